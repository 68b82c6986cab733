using Clientele.Features.Dashboard.Shell;

namespace Clientele.Pages.Dashboard;

/// <summary><c>/dashboard/customers</c>: a placeholder until the customer list lands (same route, section and base).</summary>
public sealed class CustomersModel : DashboardPageModel
{
    public override string Section => DashboardNavigation.Customers;

    public void OnGet()
    {
    }
}
