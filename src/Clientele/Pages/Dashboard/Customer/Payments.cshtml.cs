namespace Clientele.Pages.Dashboard.Customer;

/// <summary><c>/dashboard/customers/{id}/payments</c>.</summary>
public sealed class PaymentsModel : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Payments;

    public void OnGet()
    {
    }
}
