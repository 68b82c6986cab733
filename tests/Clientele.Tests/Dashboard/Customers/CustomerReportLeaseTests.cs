using Clientele.Features.Dashboard.Customers;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Dashboard.Customers;

/// <summary>A report outlives the worker building it: after its lease lapses another pass resumes it, and expired reports go away.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class CustomerReportLeaseTests(ClockedAppFixture app)
{
    private CustomerReports Reports => app.Services.GetRequiredService<CustomerReports>();

    private CustomerReportRunner Runner => app.Services.GetRequiredService<CustomerReportRunner>();

    [Fact]
    public async Task A_report_whose_worker_died_mid_way_is_resumed_after_the_lease_and_has_every_row_once()
    {
        var business = await app.CreateBusinessAsync();
        var tenant = new Tenant(business.Id, Mode.Test);
        await CustomerSeed.AddManyAsync(business.Id, 10);
        var requested = Assert.IsType<RequestReportOutcome.Requested>(await Reports.RequestAsync(tenant, "u", "k", CustomerReportTests.Query(""),
            [CustomerColumn.Name], null, CancellationToken.None));

        // The first worker writes one batch of three, then its process dies (it never finishes or releases).
        Assert.Equal(1, await Runner.RunOnceAsync(business.Id, batchSize: 3, maxBatches: 1, CancellationToken.None));
        var running = Assert.IsType<ReportStatusOutcome.Found>(await Reports.GetAsync(tenant, requested.Report.Id, CancellationToken.None)).Report;
        Assert.Equal((CustomerReportStatus.Running, 3L, 10L, 30), (running.Status, running.RowsDone, running.RowsTotal, running.Percent));

        // Within the lease nobody else touches it.
        Assert.Equal(0, await Runner.RunOnceAsync(business.Id, batchSize: 3, int.MaxValue, CancellationToken.None));

        app.TestClock.Advance(new CustomerReportOptions().Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Runner.RunOnceAsync(business.Id, batchSize: 3, int.MaxValue, CancellationToken.None));

        var (_, rows) = await CustomerReportTests.DownloadAsync(Reports, tenant, requested.Report.Id);
        Assert.Equal(["name", .. Enumerable.Range(1, 10).Select(n => $"Bulk {n}")], rows.Select(r => r.Single()));
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal((2, 4), await connection.QuerySingleAsync<(int, int)>(
            "SELECT attempts, chunks FROM customer_reports WHERE id = @id", new { id = requested.Report.Id }));
    }

    [Fact]
    public async Task A_ready_report_expires_after_a_day_and_the_clean_up_removes_it_with_its_file()
    {
        var business = await app.CreateBusinessAsync();
        var tenant = new Tenant(business.Id, Mode.Test);
        await CustomerSeed.AddAsync(business.Id, "Ada");
        var requested = Assert.IsType<RequestReportOutcome.Requested>(await Reports.RequestAsync(tenant, "u", "k", CustomerReportTests.Query(""),
            CustomerColumns.Default, null, CancellationToken.None));
        Assert.Equal(1, await Runner.RunOnceAsync(business.Id, null, int.MaxValue, CancellationToken.None));
        Assert.IsType<OpenReportOutcome.Ready>(await Reports.OpenAsync(tenant, requested.Report.Id, CancellationToken.None));
        Assert.Equal(0, await Runner.DeleteExpiredAsync(business.Id, CancellationToken.None));

        app.TestClock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        Assert.IsType<OpenReportOutcome.Expired>(await Reports.OpenAsync(tenant, requested.Report.Id, CancellationToken.None));
        Assert.Equal(1, await Runner.DeleteExpiredAsync(business.Id, CancellationToken.None));
        Assert.IsType<ReportStatusOutcome.NotFound>(await Reports.GetAsync(tenant, requested.Report.Id, CancellationToken.None));
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM customer_report_chunks WHERE report_id = @id", new { id = requested.Report.Id }));
    }
}
