using System.Text;
using Clientele.Features.Dashboard.Customers;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Dashboard.Customers;

/// <summary>Generate report, end to end: one report per request, built in the background, downloadable only by its business.</summary>
public sealed class CustomerReportTests(AppFixture app)
{
    private CustomerReports Reports => app.Services.GetRequiredService<CustomerReports>();

    private CustomerReportRunner Runner => app.Services.GetRequiredService<CustomerReportRunner>();

    internal static CustomerListQuery Query(string queryString) =>
        Assert.IsType<CustomerListQueryOutcome.Parsed>(CustomerListQuery.Parse(queryString)).Query;

    internal static async Task<(byte[] Bytes, List<List<string>> Rows)> DownloadAsync(CustomerReports reports, Tenant tenant, string reportId)
    {
        var ready = Assert.IsType<OpenReportOutcome.Ready>(await reports.OpenAsync(tenant, reportId, CancellationToken.None));
        await using var content = ready.Content;
        using var copy = new MemoryStream();
        // Small reads, so reads cross chunk boundaries.
        var buffer = new byte[7];
        int read;
        while ((read = await content.ReadAsync(buffer)) > 0)
        {
            copy.Write(buffer, 0, read);
        }
        var bytes = copy.ToArray();
        Assert.Equal(ready.Length, bytes.LongLength);
        Assert.Equal("text/csv; charset=utf-8", ready.ContentType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        return (bytes, CustomerSeed.ParseCsv(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3)));
    }

    [Fact]
    public async Task A_report_requested_twice_is_built_once_with_the_chosen_columns_and_only_its_business_opens_it()
    {
        var business = await app.CreateBusinessAsync();
        var tenant = new Tenant(business.Id, Mode.Test);
        var names = new[] { "=1+2", "Ada, \"the first\"", "Zoë\nNewline", "王秀英", "Bob", "bob", "Carol" };
        var ids = new Dictionary<string, string>();
        var created = new DateTime(2026, 4, 1, 8, 0, 0, DateTimeKind.Utc);
        foreach (var name in names)
        {
            ids[name] = await CustomerSeed.AddAsync(business.Id, name, createdAt: created);
        }
        await CustomerSeed.AddAsync(business.Id, "Live one", mode: Mode.Live);
        var other = await app.CreateBusinessAsync();
        await CustomerSeed.AddAsync(other.Id, "Someone else's");
        var user = Guid.NewGuid().ToString();
        CustomerColumn[] columns = [CustomerColumn.Name, CustomerColumn.CustomerId, CustomerColumn.CreatedAt, CustomerColumn.ActiveSubscriptions];
        var query = Query("sort=name&page=2&page_size=25");
        var email = $"owner-{Guid.NewGuid():N}@example.com";

        var first = Assert.IsType<RequestReportOutcome.Requested>(await Reports.RequestAsync(tenant, user, "form-1", query, columns, email, CancellationToken.None));
        var again = Assert.IsType<RequestReportOutcome.Requested>(await Reports.RequestAsync(tenant, user, "form-1", query, columns, email, CancellationToken.None));
        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Report.Id, again.Report.Id);
        Assert.IsType<RequestReportOutcome.KeyReused>(await Reports.RequestAsync(tenant, user, "form-1", Query("q=ada"), columns, email, CancellationToken.None));
        Assert.Equal((CustomerReportStatus.Queued, 0, 7L, true), (first.Report.Status, first.Report.Percent, first.Report.RowsTotal, first.Report.RowsTotalExact));
        Assert.Equal("sort=name", first.Report.Query);
        Assert.IsType<OpenReportOutcome.NotReady>(await Reports.OpenAsync(tenant, first.Report.Id, CancellationToken.None));

        Assert.Equal(1, await Runner.RunOnceAsync(business.Id, batchSize: 3, int.MaxValue, CancellationToken.None));
        Assert.Equal(0, await Runner.RunOnceAsync(business.Id, batchSize: 3, int.MaxValue, CancellationToken.None));

        var report = Assert.IsType<ReportStatusOutcome.Found>(await Reports.GetAsync(tenant, first.Report.Id, CancellationToken.None)).Report;
        Assert.Equal((CustomerReportStatus.Ready, 100, 7L, 7L), (report.Status, report.Percent, report.RowsDone, report.RowsTotal));
        var (_, rows) = await DownloadAsync(Reports, tenant, report.Id);
        Assert.Equal(["name", "customer_id", "created_at", "active_subscriptions"], rows[0]);
        var bobs = new[] { ids["Bob"], ids["bob"] }.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["'=1+2", "Ada, \"the first\"", "?", "?", "Carol", "Zoë\nNewline", "王秀英"], rows.Skip(1).Select(r => r[0] is "Bob" or "bob" ? "?" : r[0]));
        Assert.Equal(bobs, rows.Skip(3).Take(2).Select(r => r[1]));
        Assert.All(rows.Skip(1), r => Assert.Equal(["2026-04-01T08:00:00Z", "0"], r[2..]));
        Assert.Equal(ids["王秀英"], rows[^1][1]);

        Assert.IsType<OpenReportOutcome.NotFound>(await Reports.OpenAsync(new Tenant(other.Id, Mode.Test), report.Id, CancellationToken.None));
        Assert.IsType<ReportStatusOutcome.NotFound>(await Reports.GetAsync(new Tenant(other.Id, Mode.Test), report.Id, CancellationToken.None));
        Assert.IsType<OpenReportOutcome.NotFound>(await Reports.OpenAsync(tenant with { Mode = Mode.Live }, report.Id, CancellationToken.None));
        Assert.Equal([report.Id], (await Reports.ListRecentAsync(tenant, 10, CancellationToken.None)).Select(r => r.Id));

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM email_outbox WHERE business_id = @id AND kind = 'customer_report_ready' AND recipient = @email", new { id = business.Id, email }));
    }

    [Fact]
    public async Task An_empty_report_is_a_header_and_the_same_key_from_another_person_makes_another_report()
    {
        var business = await app.CreateBusinessAsync();
        var tenant = new Tenant(business.Id, Mode.Test);
        var mine = Assert.IsType<RequestReportOutcome.Requested>(await Reports.RequestAsync(tenant, "user-a", "k", Query(""), CustomerColumns.Default, null, CancellationToken.None));
        var theirs = Assert.IsType<RequestReportOutcome.Requested>(await Reports.RequestAsync(tenant, "user-b", "k", Query(""), CustomerColumns.Default, null, CancellationToken.None));
        Assert.NotEqual(mine.Report.Id, theirs.Report.Id);
        Assert.IsType<RequestReportOutcome.InvalidKey>(await Reports.RequestAsync(tenant, "user-a", " ", Query(""), CustomerColumns.Default, null, CancellationToken.None));
        Assert.IsType<RequestReportOutcome.InvalidColumns>(await Reports.RequestAsync(tenant, "user-a", "k2", Query(""), [], null, CancellationToken.None));

        while (await Runner.RunOnceAsync(business.Id, null, int.MaxValue, CancellationToken.None) > 0)
        {
        }
        var (_, rows) = await DownloadAsync(Reports, tenant, mine.Report.Id);
        Assert.Equal([["name", "customer_id", "email", "phone", "created_at"]], rows);
    }

    [Fact]
    public async Task Reports_filter_like_the_list_and_carry_the_optional_columns()
    {
        var business = await app.CreateBusinessAsync();
        var tenant = new Tenant(business.Id, Mode.Test);
        var rich = await CustomerSeed.AddAsync(business.Id, "Rich Ada", phone: "+14155550100");
        await CustomerSeed.AddAsync(business.Id, "Poor Ada");
        await business.Test.PostJsonAsync($"/customers/{rich}/wallets/ledger-entries", new { amount = 1234, currency = "USD", entry_type = "credit" });

        var requested = Assert.IsType<RequestReportOutcome.Requested>(await Reports.RequestAsync(tenant, "u", "k", Query("q=ada&has_wallet_balance=true"),
            [CustomerColumn.Phone, CustomerColumn.WalletBalances, CustomerColumn.TotalSpent, CustomerColumn.LastPayment], null, CancellationToken.None));
        Assert.Equal(1, await Runner.RunOnceAsync(business.Id, null, int.MaxValue, CancellationToken.None));

        var (_, rows) = await DownloadAsync(Reports, tenant, requested.Report.Id);
        Assert.Equal([["phone", "wallet_balances", "total_spent", "last_payment_at", "last_payment_amount"], ["'+14155550100", "USD 12.34", "", "", ""]], rows);
    }
}
