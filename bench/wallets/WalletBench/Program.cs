using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using WalletBench;

// Usage: WalletBench <base-url> <api-key> <seconds> <concurrency> <spread-customers> <ids-file>
// Creates its customers through the API, then drives one hot wallet and then many wallets with
// 1-unit debits for a fixed time each, and prints one line per scenario.
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: WalletBench <base-url> <api-key> <seconds> <concurrency> <spread-customers> <ids-file>");
    return 2;
}
var baseUrl = new Uri(args[0]);
var seconds = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var concurrency = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
var spreadCount = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = baseUrl };
http.DefaultRequestHeaders.Authorization = new("Bearer", args[1]);

// Every wallet starts with a balance no run can exhaust, so every debit is a real, successful entry.
const long StartingBalance = 1_000_000_000_000;
var hot = await Setup.CustomerWithBalanceAsync(http, "hot", StartingBalance);
var spread = await Setup.ManyAsync(http, spreadCount, StartingBalance, concurrency);
await File.WriteAllLinesAsync(args[5], [hot, .. spread]);

var results = new List<Result>
{
    await Load.RunAsync(http, $"HTTP, one hot wallet", _ => hot, seconds, concurrency),
    await Load.RunAsync(http, $"HTTP, {spreadCount} wallets", random => spread[random.Next(spread.Count)], seconds, concurrency),
};
foreach (var result in results)
{
    Console.WriteLine(result);
}
return results.All(r => r.Failed == 0) ? 0 : 1;

namespace WalletBench
{
    internal sealed record Result(string Name, int Concurrency, double Seconds, long Ok, long Failed, double P50, double P95, double P99)
    {
        public override string ToString() =>
            $"{Name,-26} c={Concurrency,-3} {Ok / Seconds,8:F0} entries/s  ({Ok} in {Seconds:F1} s, {Failed} failed)  latency ms p50 {P50:F1} p95 {P95:F1} p99 {P99:F1}";
    }

    internal static class Setup
    {
        public static async Task<string> CustomerWithBalanceAsync(HttpClient http, string label, long balance)
        {
            using var created = await http.PostAsJsonAsync("/customers", new { name = $"Bench {label}", email = $"{label}-{Guid.NewGuid():N}@bench.example" });
            var id = (await ReadAsync(created))["customer_id"]!.GetValue<string>();
            using var credited = await http.PostAsJsonAsync($"/customers/{id}/wallets/ledger-entries", new { amount = balance, currency = "USD", entry_type = "credit" });
            await ReadAsync(credited);
            return id;
        }

        public static async Task<List<string>> ManyAsync(HttpClient http, int count, long balance, int concurrency)
        {
            var ids = new string[count];
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
                async (i, _) => ids[i] = await CustomerWithBalanceAsync(http, $"spread{i}", balance));
            return [.. ids];
        }

        private static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK
                ? JsonNode.Parse(text)!
                : throw new InvalidOperationException($"Setup failed: {(int)response.StatusCode} {text}");
        }
    }

    internal static class Load
    {
        private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

        /// <summary>Keeps <paramref name="concurrency"/> debits in flight for the given time; counts only after a short warm-up.</summary>
        public static async Task<Result> RunAsync(HttpClient http, string name, Func<Random, string> pickCustomer, int seconds, int concurrency)
        {
            var clock = Stopwatch.StartNew();
            var measureFrom = WarmUp;
            var until = WarmUp + TimeSpan.FromSeconds(seconds);
            var body = JsonSerializer.SerializeToUtf8Bytes(new { amount = 1, currency = "USD", entry_type = "debit" });
            var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var random = new Random(worker);
                var latencies = new List<double>();
                long failed = 0;
                while (clock.Elapsed < until)
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new("application/json");
                    var started = clock.Elapsed;
                    using var response = await http.PostAsync($"/customers/{pickCustomer(random)}/wallets/ledger-entries", content);
                    var took = clock.Elapsed - started;
                    if (started < measureFrom || clock.Elapsed > until)
                    {
                        continue;
                    }
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        latencies.Add(took.TotalMilliseconds);
                    }
                    else
                    {
                        failed++;
                    }
                }
                return (latencies, failed);
            })).ToList();
            var done = await Task.WhenAll(workers);
            var all = done.SelectMany(d => d.latencies).Order().ToList();
            return new Result(name, concurrency, seconds, all.Count, done.Sum(d => d.failed), Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
        }

        private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
