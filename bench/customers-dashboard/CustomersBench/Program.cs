// Times the Customers page's query layer (CustomerList) and a whole report (CustomerReportRunner)
// against the database bench/customers-dashboard/run.sh seeded. Services come from the server's
// own composition (AddClientele), built but never started: no worker runs beside the timing.
//   list   <business_id> <runs>      p50/p95/max per page shape, in milliseconds
//   report <business_id> <columns>   one report of every customer: seconds, rows, bytes, RSS samples
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Clientele.Features.Dashboard.Customers;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.Extensions.DependencyInjection;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddClientele();
await using var app = builder.Build();
var tenant = new Tenant(args[1], Mode.Test);

if (args[0] == "list")
{
    var runs = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
    var list = app.Services.GetRequiredService<CustomerList>();
    var optional = "columns=name,customer_id,email,phone,created_at,total_spent,active_subscriptions,wallet_balances,last_payment";
    (string Label, string Query)[] shapes =
    [
        ("first page (newest first, 10)", ""),
        ("first page, 100 rows, all 9 columns", "page_size=100&" + optional),
        ("first page sorted by name", "sort=name"),
        ("partial name, common (\"hopper\", 100k hits)", "q=hopper"),
        ("partial name, rare (\"777777\")", "q=777777"),
        ("e-mail (case-insensitive)", "q=USER777777%40example.com"),
        ("customer id", "q=cus_b" + 777777.ToString("D23", System.Globalization.CultureInfo.InvariantCulture)),
        ("filtered: active subscription", "subscription=active"),
        ("filtered: on-hold subscription", "subscription=on_hold"),
        ("filtered: wallet balance", "has_wallet_balance=true"),
        ("filtered: created in one day", $"created_from={DateTime.UtcNow.AddDays(-3):yyyy-MM-dd}&created_to={DateTime.UtcNow.AddDays(-3):yyyy-MM-dd}"),
        ("filtered: name + subscription + wallet", "q=ada&subscription=active&has_wallet_balance=true"),
        ("deep page (page 1000 of 10)", "page=1000"),
        ("deep page sorted by name (page 1000)", "sort=name&page=1000"),
    ];
    Console.WriteLine($"| page ({runs} runs each, after 3 warm-ups) | rows | total | p50 ms | p95 ms | max ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var (label, queryString) in shapes)
    {
        var query = ((CustomerListQueryOutcome.Parsed)CustomerListQuery.Parse(queryString)).Query;
        var columns = query.Columns ?? CustomerColumns.Default;
        CustomerListPage? page = null;
        for (var i = 0; i < 3; i++)
        {
            page = await list.ListAsync(tenant, query, columns, CancellationToken.None);
        }
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            page = await list.ListAsync(tenant, query, columns, CancellationToken.None);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        Console.WriteLine($"| {label} | {page!.Rows.Count} | {page.Total} | {At(0.5):F1} | {At(0.95):F1} | {times[^1]:F1} |");
    }
}
else
{
    var columns = CustomerColumns.TryParseList(args[2].Split(','), out var chosen) is null ? chosen : throw new ArgumentException(args[2]);
    var reports = app.Services.GetRequiredService<CustomerReports>();
    var runner = app.Services.GetRequiredService<CustomerReportRunner>();
    var requested = (RequestReportOutcome.Requested)await reports.RequestAsync(tenant, "bench", Guid.NewGuid().ToString(), CustomerListQuery.Default, columns, null, CancellationToken.None);
    var samples = new List<long>();
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            samples.Add(Process.GetCurrentProcess().WorkingSet64 / (1024 * 1024));
            await Task.Delay(1000);
        }
    });
    var watch = Stopwatch.StartNew();
    await runner.RunOnceAsync(CancellationToken.None);
    var built = watch.Elapsed;
    var report = ((ReportStatusOutcome.Found)await reports.GetAsync(tenant, requested.Report.Id, CancellationToken.None)).Report;

    watch.Restart();
    var ready = (OpenReportOutcome.Ready)await reports.OpenAsync(tenant, report.Id, CancellationToken.None);
    long read = 0;
    var buffer = new byte[81920];
    await using (var content = ready.Content)
    {
        int n;
        while ((n = await content.ReadAsync(buffer)) > 0)
        {
            read += n;
        }
    }
    var downloaded = watch.Elapsed;
    await sampling.CancelAsync();
    await sampler;
    var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    Console.WriteLine($"report {report.Status}: {report.RowsDone:N0} rows, {report.Bytes / 1048576.0:F1} MiB, columns {CustomerColumns.ToList(columns)}");
    Console.WriteLine($"built in {built.TotalSeconds:F1} s; read back in {downloaded.TotalSeconds:F1} s ({read:N0} bytes)");
    Console.WriteLine($"RSS MiB sampled each second: min {samples.Min()}, max {samples.Max()}, first {samples[0]}, last {samples[^1]}; peak {peak.Split(':')[1].Trim()}");
}
