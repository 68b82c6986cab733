using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary><c>/dashboard/customers/{id}/share</c>: the customer's portal links (static, and dynamic single-use ones).</summary>
[RequirePermission(DashboardPermission.SendPortalInvites)]
public sealed class ShareModel : CustomerPageModel
{
    /// <summary>Not a tab of its own: the header keeps About marked.</summary>
    public override CustomerTab Tab => CustomerTab.About;

    public void OnGet()
    {
    }
}
