using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Customers;
using Clientele.Features.Dashboard.Shell;
using Clientele.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Dashboard;

/// <summary>
/// <c>/dashboard/customers</c>: every customer of the business in this mode, with the search, filters,
/// sort and page in the URL (<see cref="CustomerListQuery"/>), the person's columns, saved views and
/// CSV reports. The list, preferences, views and reports are the operations of
/// <c>Features/Dashboard/Customers</c>; this page only reads the form and maps their outcomes.
/// </summary>
public sealed class CustomersModel(CustomerList list, ColumnPreferences preferences, SavedViews views, CustomerReports reports)
    : DashboardPageModel
{
    private static readonly string[] Notices = ["CustColumnsSaved", "CustViewSaved", "CustViewDeleted"];

    public override string Section => DashboardNavigation.Customers;

    public CustomerListQuery Query { get; private set; } = CustomerListQuery.Default;

    public CustomerListPage Result { get; private set; } = null!;

    public IReadOnlyList<SavedView> Views { get; private set; } = [];

    /// <summary>The URL parameter that could not be used (the list shows the defaults instead).</summary>
    public string? InvalidField { get; private set; }

    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Fresh per rendering: one report per click of this form, however often it is sent.</summary>
    public string ReportKey { get; } = Guid.NewGuid().ToString("N");

    /// <summary>A form's target: this list (its search, filters and page kept) and the handler.</summary>
    public string PostUrl(string handler) => ListUrl(Query, "handler", handler);

    public string Date(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public async Task OnGetAsync(string? notice)
    {
        Notice = Notices.Contains(notice) ? notice : null;
        await LoadAsync();
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostColumnsAsync([FromForm] string[]? show, CancellationToken cancellationToken)
    {
        // Each shown column with its position; equal positions keep the form's order.
        var chosen = (show ?? []).Select(key => (Key: key, Position: int.TryParse(Request.Form[$"position_{key}"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : int.MaxValue))
            .Select((c, index) => (c.Key, c.Position, index)).OrderBy(c => c.Position).ThenBy(c => c.index).Select(c => c.Key).ToList();
        var outcome = await preferences.SaveAsync(Dashboard.Tenant, Dashboard.UserId, chosen, cancellationToken);
        if (outcome is SaveColumnsOutcome.Invalid)
        {
            Error = "CustColumnsInvalid";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync();
            return Page();
        }
        // The saved columns apply from now on: the URL keeps the search but not an explicit column list.
        return Redirect(WithNotice(CurrentQuery() with { Columns = null }, "CustColumnsSaved"));
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostResetColumnsAsync(CancellationToken cancellationToken)
    {
        await preferences.ResetAsync(Dashboard.Tenant, Dashboard.UserId, cancellationToken);
        return Redirect(WithNotice(CurrentQuery() with { Columns = null }, "CustColumnsSaved"));
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostSaveViewAsync([FromForm] string? viewName, CancellationToken cancellationToken)
    {
        var outcome = await views.SaveAsync(Dashboard.Tenant, Dashboard.UserId, viewName ?? "", CurrentQuery() with { Page = 1 }, cancellationToken);
        if (outcome is SaveViewOutcome.Saved)
        {
            return Redirect(WithNotice(CurrentQuery(), "CustViewSaved"));
        }
        Error = outcome switch
        {
            SaveViewOutcome.NameTaken => "CustViewNameTaken",
            SaveViewOutcome.TooMany => "CustViewTooMany",
            _ => "CustViewInvalidName",
        };
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync();
        return Page();
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostDeleteViewAsync([FromForm] string? viewId, CancellationToken cancellationToken)
    {
        var outcome = await views.DeleteAsync(Dashboard.Tenant, Dashboard.UserId, viewId ?? "", cancellationToken);
        return outcome is DeleteViewOutcome.Deleted ? Redirect(WithNotice(CurrentQuery(), "CustViewDeleted")) : NotFound();
    }

    [RequirePermission(DashboardPermission.ExportReports)]
    public async Task<IActionResult> OnPostReportAsync([FromForm] string? reportKey, [FromForm] bool notify, CancellationToken cancellationToken)
    {
        var query = CurrentQuery();
        var columns = await preferences.ResolveAsync(Dashboard.Tenant, Dashboard.UserId, query, cancellationToken);
        var outcome = await reports.RequestAsync(Dashboard.Tenant, Dashboard.UserId, reportKey ?? "", query, columns, notify ? Dashboard.Email : null, cancellationToken);
        return outcome switch
        {
            RequestReportOutcome.Requested requested => RedirectToPage("/Dashboard/CustomerReport", new { id = requested.Report.Id }),
            RequestReportOutcome.KeyReused reused => RedirectToPage("/Dashboard/CustomerReport", new { id = reused.Existing.Id }),
            _ => BadRequest(),
        };
    }

    /// <summary>The list state of the request's query string; a wrong value falls back to the defaults (and is named on the page).</summary>
    private CustomerListQuery CurrentQuery() =>
        CustomerListQuery.Parse(Request.Query) is CustomerListQueryOutcome.Parsed parsed ? parsed.Query : CustomerListQuery.Default;

    private string WithNotice(CustomerListQuery query, string notice) => ListUrl(query, "notice", notice);

    /// <summary>This list's URL for <paramref name="query"/> with one more parameter (a handler, a notice).</summary>
    private string ListUrl(CustomerListQuery query, string name, string value)
    {
        var search = query.ToQueryString();
        return $"{Url.Page("/Dashboard/Customers")}{(search.Length == 0 ? "?" : search + "&")}{name}={Uri.EscapeDataString(value)}";
    }

    private async Task LoadAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        switch (CustomerListQuery.Parse(Request.Query))
        {
            case CustomerListQueryOutcome.Parsed parsed:
                Query = parsed.Query;
                break;
            case CustomerListQueryOutcome.Invalid invalid:
                InvalidField = invalid.Field;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
        }
        var columns = await preferences.ResolveAsync(Dashboard.Tenant, Dashboard.UserId, Query, cancellationToken);
        Result = await list.ListAsync(Dashboard.Tenant, Query, columns, cancellationToken);
        Views = await views.ListAsync(Dashboard.Tenant, Dashboard.UserId, cancellationToken);
    }
}
