using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Customers;
using Clientele.Features.Dashboard.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard;

/// <summary>
/// <c>/dashboard/customers/reports/{id}</c>: a report's progress (the page refreshes itself while it
/// runs, so no script is needed), then its download, for members of the business that asked for it.
/// </summary>
[RequirePermission(DashboardPermission.ExportReports)]
public sealed class CustomerReportModel(CustomerReports reports) : DashboardPageModel
{
    public override string Section => DashboardNavigation.Customers;

    public CustomerReport Report { get; private set; } = null!;

    public string Size => Report.Bytes switch
    {
        < 1024 => $"{Report.Bytes} B",
        < 1024 * 1024 => (Report.Bytes / 1024.0).ToString("N1", CultureInfo.CurrentCulture) + " KB",
        _ => (Report.Bytes / 1024.0 / 1024.0).ToString("N1", CultureInfo.CurrentCulture) + " MB",
    };

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await reports.GetAsync(Dashboard.Tenant, id, cancellationToken) is not ReportStatusOutcome.Found found)
        {
            return NotFound();
        }
        Report = found.Report;
        return Page();
    }

    public async Task<IActionResult> OnGetDownloadAsync(string id, CancellationToken cancellationToken) =>
        await reports.OpenAsync(Dashboard.Tenant, id, cancellationToken) switch
        {
            OpenReportOutcome.Ready ready => File(ready.Content, ready.ContentType, ready.FileName),
            OpenReportOutcome.NotReady or OpenReportOutcome.Failed => RedirectToPage(new { id }),
            OpenReportOutcome.Expired => StatusCode(StatusCodes.Status410Gone),
            _ => NotFound(),
        };
}
