namespace Clientele.Pages.Dashboard.Customer;

/// <summary><c>/dashboard/customers/{id}/subscriptions</c>.</summary>
public sealed class SubscriptionsModel : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Subscriptions;

    public void OnGet()
    {
    }
}
