namespace Clientele.Pages.Dashboard.Customer;

/// <summary><c>/dashboard/customers/{id}/credits</c>.</summary>
public sealed class CreditsModel : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Credits;

    public void OnGet()
    {
    }
}
