// Times the Customers page against the database bench/customers-dashboard/run.sh seeded.
//   list   <business_id> <runs>             CustomerList in-process (the query layer): p50/p95/max per page shape
//   http   <base_url> <sign_in_link> <runs> the whole HTML page from a running Release server, signed in as a
//                                           person does (the link's confirm page, then its POST): p50/p95/max
//   report <business_id> <columns>          one report of every customer (CustomerReportRunner): seconds, rows, bytes, RSS
// list and report build the server's own services (AddClientele), never started: no worker runs beside the timing.
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Clientele.Features.Dashboard.Customers;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.Extensions.DependencyInjection;

var optional = "columns=name,customer_id,email,phone,created_at,total_spent,active_subscriptions,wallet_balances,last_payment";
var day = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
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
    ("filtered: created in one day", $"created_from={day}&created_to={day}"),
    ("filtered: name + subscription + wallet", "q=ada&subscription=active&has_wallet_balance=true"),
    ("deep page (page 1000 of 10)", "page=1000"),
    ("deep page sorted by name (page 1000)", "sort=name&page=1000"),
];

static double At(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

if (args[0] == "http")
{
    await HttpBench.RunAsync(new Uri(args[1]), new Uri(args[2]), int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), shapes);
    return;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddClientele();
await using var app = builder.Build();
var tenant = new Tenant(args[1], Mode.Test);

if (args[0] == "list")
{
    var runs = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
    var list = app.Services.GetRequiredService<CustomerList>();
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
        Console.WriteLine($"| {label} | {page!.Rows.Count} | {page.Total} | {At(times, 0.5):F1} | {At(times, 0.95):F1} | {times[^1]:F1} |");
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

/// <summary>The page over HTTP: one client, one request at a time, with the session a sign-in link gives.</summary>
internal static partial class HttpBench
{
    public static async Task RunAsync(Uri server, Uri link, int runs, (string Label, string Query)[] shapes)
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = server };
        // The link as the CLI printed it, on this server: GET shows the confirm button (and sets the antiforgery cookie), POST signs in.
        var linkPath = link.PathAndQuery;
        var confirm = await client.GetStringAsync(linkPath);
        var token = WebUtility.HtmlDecode(TokenPattern().Match(confirm).Groups[1].Value);
        using var signIn = await client.PostAsync(linkPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        if (signIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"signing in answered {(int)signIn.StatusCode}, not a redirect");
        }
        // A server in service has run its pages' code often enough for the JIT to finish tiering it up; a fresh one
        // compiles for its first minute or so (a profile after 200 views of the 100-row page still found the JIT on
        // 43 % of the samples). So every shape is served WARMUP_ROUNDS times (default 30) before any is timed.
        var warmupRounds = int.TryParse(Environment.GetEnvironmentVariable("WARMUP_ROUNDS"), out var rounds) ? rounds : 30;
        for (var round = 0; round < warmupRounds; round++)
        {
            foreach (var (_, query) in shapes)
            {
                using var response = await client.GetAsync(PageUrl(query));
                await response.Content.ReadAsStringAsync();
            }
        }
        Console.WriteLine($"| page over HTTP ({runs} runs each, after {warmupRounds} rounds of every shape and 3 warm-ups) | status | total shown | KiB | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (label, query) in shapes)
        {
            var url = PageUrl(query);
            string html = "";
            HttpStatusCode status = 0;
            var times = new List<double>();
            for (var i = 0; i < runs + 3; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(url);
                html = await response.Content.ReadAsStringAsync();
                var elapsed = watch.Elapsed.TotalMilliseconds;
                status = response.StatusCode;
                if (i >= 3)
                {
                    times.Add(elapsed);
                }
            }
            if (status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{url} answered {(int)status}");
            }
            times.Sort();
            var shown = WebUtility.HtmlDecode(StatusPattern().Match(html).Groups[1].Value);
            Console.WriteLine($"| {label} | {(int)status} | {shown} | {html.Length / 1024.0:F0} | {At(times, 0.5):F1} | {At(times, 0.95):F1} | {times[^1]:F1} |");
        }
    }

    private static string PageUrl(string query) => "/dashboard/customers" + (query.Length == 0 ? "" : "?" + query);

    private static double At(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<p role=\"status\" id=\"list-status\">([^<]*)</p>")]
    private static partial Regex StatusPattern();
}
