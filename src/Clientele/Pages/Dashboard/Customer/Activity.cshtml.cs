namespace Clientele.Pages.Dashboard.Customer;

/// <summary><c>/dashboard/customers/{id}/activity</c>.</summary>
public sealed class ActivityModel : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Activity;

    public void OnGet()
    {
    }
}
