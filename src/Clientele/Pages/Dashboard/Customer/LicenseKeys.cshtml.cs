namespace Clientele.Pages.Dashboard.Customer;

/// <summary><c>/dashboard/customers/{id}/license-keys</c>.</summary>
public sealed class LicenseKeysModel : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.LicenseKeys;

    public void OnGet()
    {
    }
}
