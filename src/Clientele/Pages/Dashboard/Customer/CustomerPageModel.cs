using Clientele.Features.Customers;
using Clientele.Features.Dashboard.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>The customer detail's tabs, in the order the header shows them.</summary>
public enum CustomerTab
{
    About,
    Payments,
    Subscriptions,
    Credits,
    LicenseKeys,
    Activity,
}

/// <summary>
/// Base of every page under <c>/dashboard/customers/{id}</c>: loads the customer the URL names in the
/// person's business and mode before any handler runs (404 when it is not theirs, exactly as when it does
/// not exist), and names the tab the header marks as current.
/// </summary>
public abstract class CustomerPageModel : DashboardPageModel
{
    public override string Section => DashboardNavigation.Customers;

    /// <summary>The tab this page is; <see cref="CustomerTabs"/> draws the header's navigation from it.</summary>
    public abstract CustomerTab Tab { get; }

    public Clientele.Features.Customers.Customer Customer { get; private set; } = null!;

    protected override async Task<IActionResult?> BeforeHandlerAsync(PageHandlerExecutingContext context)
    {
        var id = RouteData.Values["id"] as string ?? "";
        var store = HttpContext.RequestServices.GetRequiredService<CustomerStore>();
        var customer = id.Length is > 0 and <= 64 ? await store.FindAsync(Dashboard.Tenant, id, HttpContext.RequestAborted) : null;
        if (customer is null)
        {
            return NotFound();
        }
        Customer = customer;
        return null;
    }
}

/// <summary>The tabs' pages and label keys (DashboardText), one place for the header and for links.</summary>
public static class CustomerTabs
{
    public static IReadOnlyList<(CustomerTab Tab, string Page, string LabelKey)> All { get; } =
    [
        (CustomerTab.About, "/Dashboard/Customer/About", "CustTabAbout"),
        (CustomerTab.Payments, "/Dashboard/Customer/Payments", "CustTabPayments"),
        (CustomerTab.Subscriptions, "/Dashboard/Customer/Subscriptions", "CustTabSubscriptions"),
        (CustomerTab.Credits, "/Dashboard/Customer/Credits", "CustTabCredits"),
        (CustomerTab.LicenseKeys, "/Dashboard/Customer/LicenseKeys", "CustTabLicenseKeys"),
        (CustomerTab.Activity, "/Dashboard/Customer/Activity", "CustTabActivity"),
    ];
}
