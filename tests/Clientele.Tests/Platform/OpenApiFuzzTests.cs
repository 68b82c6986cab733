using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

/// <summary>
/// For every operation in our own OpenAPI document, a bounded battery of malformed inputs: bad path
/// ids, hostile query values, wrong types, nulls, NUL and invalid UTF-8, 2^63, huge and deeply nested
/// values, unknown enum strings. None may answer 5xx, and a validation error must name what was wrong.
/// </summary>
public sealed partial class OpenApiFuzzTests(AppFixture app)
{
    private const string TooLarge = "9223372036854775808"; // 2^63: one past long.MaxValue

    // Fields the API's operations read; each operation ignores the ones it does not know.
    private static readonly string[] CommonFields =
    [
        "name", "email", "phone_number", "metadata", "amount", "currency", "entry_type", "reason", "idempotency_key", "url",
        "description", "filter_types", "headers", "disabled", "rate_limit", "price", "tax_category", "license_key_enabled",
        "groups", "group_name", "products", "product_id", "status", "group_order", "product_cart", "customer", "billing_address",
        "billing", "return_url", "payment_id", "items", "quantity", "payment_method_id", "trial_period_days", "customer_id",
        "key", "activations_limit", "expires_at", "license_key", "license_key_instance_id", "proration_billing_mode",
        "effective_at", "product_price", "product_currency", "type", "cancel_at_next_billing_date", "next_billing_date",
        "allow_plan_changes", "allow_customer_pause", "on_demand", "pause", "send_email",
    ];

    private static readonly string[] CommonQuery =
        ["page_size", "page_number", "created_at_gte", "status", "customer_id", "email", "limit", "iterator", "currency", "archived", "return_url", "send_email"];

    // JSON values wrong for every field: each must be refused with the field's name.
    private static readonly string[] AlwaysWrong = [TooLarge, "[[[]]]"];

    // JSON values wrong for most fields; they must never be a 5xx.
    private static readonly string[] Shapes =
    [
        "null", "1.5", "\"zz_not_a_value\"", "{}", $"\"{new string('x', 10_000)}\"", $"[{string.Join(",", Enumerable.Repeat("\"x\"", 101))}]",
    ];

    private static readonly string[] BadIds = ["nope", "%00", "cus_%C3%28", "%2e%2e", new string('x', 400)];

    [Fact]
    public async Task Every_operation_answers_malformed_input_with_a_4xx_that_names_the_field_never_a_5xx()
    {
        var business = await app.CreateBusinessAsync("Fuzz Co");
        using var client = Client(business.TestKey.Secret);
        var ids = await IdsAsync(client);
        var document = await client.GetJsonAsync("/openapi/v1.json");
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Method: op.Key.ToUpperInvariant(), Path: path.Key, Operation: op.Value!)))
            .ToList();
        Assert.True(operations.Count > 50, $"only {operations.Count} operations in the document");

        var failures = new ConcurrentBag<string>();
        var sent = 0;
        var started = Stopwatch.GetTimestamp();
        // Deletions last, so the ids the other operations use still exist.
        foreach (var batch in operations.GroupBy(o => o.Method == "DELETE").OrderBy(g => g.Key))
        {
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (op, _) =>
            {
                foreach (var probe in await ProbesAsync(client, op.Method, op.Path, op.Operation, ids))
                {
                    Interlocked.Increment(ref sent);
                    if (await CheckAsync(client, op.Method, probe) is { } failure)
                    {
                        failures.Add($"{op.Method} {op.Path} [{probe.Label}]: {failure}");
                    }
                }
            });
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        TestContext.Current.TestOutputHelper?.WriteLine($"{sent} probes over {operations.Count} operations in {elapsed.TotalSeconds:0.0} s, {failures.Count} failed");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {sent} probes failed:\n" + string.Join("\n", failures.OrderBy(f => f).Take(60)));
        Assert.True(sent > 800, $"only {sent} probes");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"{sent} probes took {elapsed}");
    }

    /// <summary>One request. <c>MustName</c>: a validation error must name it; <c>Strict</c>: and it must be a 4xx.</summary>
    private sealed record Probe(string Label, string Path, byte[]? Body, string? MustName, bool Strict = false);

    private static async Task<string?> CheckAsync(HttpClient client, string method, Probe probe)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(client.BaseAddress!, probe.Path));
        if (probe.Body is not null)
        {
            request.Content = new ByteArrayContent(probe.Body);
            request.Content.Headers.ContentType = new("application/json");
        }
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500)
        {
            return $"{status} {Short(text)}";
        }
        if (probe.MustName is null || status == 429)
        {
            return null;
        }
        if (probe.Strict && status is < 400 or >= 500)
        {
            return $"{status}, expected a 4xx naming {probe.MustName}";
        }
        var code = TryParse(text)?["code"]?.GetValue<string>();
        if (status is 400 or 422 && code is "INVALID_REQUEST" && !text.Contains(probe.MustName, StringComparison.Ordinal))
        {
            return $"{status} does not name {probe.MustName}: {Short(text)}";
        }
        return null;
    }

    private static async Task<List<Probe>> ProbesAsync(HttpClient client, string method, string template, JsonNode operation, IReadOnlyDictionary<string, string> ids)
    {
        var parameters = operation["parameters"]?.AsArray().Select(p => (Name: p!["name"]!.GetValue<string>(), In: p["in"]!.GetValue<string>())).ToList() ?? [];
        var pathParams = parameters.Where(p => p.In == "path").Select(p => p.Name).ToList();
        var path = Fill(template, ids, pathParams, null, null);
        var probes = new List<Probe>();

        // Bad ids: never a 5xx; a validation error names the parameter or the path.
        foreach (var param in pathParams)
        {
            probes.AddRange(BadIds.Select(bad => new Probe($"{param}={Short(bad)}", Fill(template, ids, pathParams, param, bad), method is "POST" or "PATCH" ? "{}"u8.ToArray() : null, null)));
        }

        // Query values: hostile text is a 400 naming the parameter; the rest is never a 5xx.
        var queryNames = parameters.Where(p => p.In == "query").Select(p => p.Name)
            .Concat(method == "GET" && !template.EndsWith('}') ? CommonQuery : [])
            .Concat(template.Contains("customer-portal", StringComparison.Ordinal) ? ["return_url", "send_email"] : [])
            .Distinct();
        foreach (var name in queryNames)
        {
            // One gate refuses hostile text in any parameter (RequestGuard), so two names per operation show it.
            if (name == "email" || parameters.Any(p => p.Name == name) || !probes.Exists(p => p.Label.EndsWith("=%00", StringComparison.Ordinal)))
            {
                probes.Add(new($"?{name}=%00", $"{path}?{name}=%00", null, name, Strict: true));
                probes.Add(new($"?{name}=%FF", $"{path}?{name}=a%FFb", null, name, Strict: true));
            }
            probes.Add(new($"?{name}=2^63", $"{path}?{name}={TooLarge}", null, name));
        }

        if (method is not ("POST" or "PATCH"))
        {
            return probes;
        }
        // The fields this operation reads: those an all-wrong body and an empty body get named.
        var fields = await FieldsNamedAsync(client, method, path, "{" + string.Join(",", CommonFields.Select(f => $"\"{f}\":{TooLarge}")) + "}");
        fields.UnionWith(await FieldsNamedAsync(client, method, path, "{}"));
        foreach (var field in fields)
        {
            probes.AddRange(AlwaysWrong.Select(value => new Probe($"{field}={Short(value)}", path, Utf8($"{{\"{field}\":{value}}}"), field, Strict: true)));
            probes.AddRange(Shapes.Select(value => new Probe($"{field}={Short(value)}", path, Utf8($"{{\"{field}\":{value}}}"), null)));
        }
        // Hostile text: refused wherever it is (JsonText), so a known field, an unknown one and a nested value show it.
        if (await ReadsBodyAsync(client, method, path))
        {
            foreach (var field in fields.Take(1).Append("unknown_field"))
            {
                probes.Add(new($"{field}=NUL", path, Utf8($"{{\"{field}\":\"a\\u0000b\"}}"), field, Strict: true));
                probes.Add(new($"{field}=surrogate", path, Utf8($"{{\"{field}\":\"\\ud800\"}}"), field, Strict: true));
                probes.Add(new($"{field}=0xFF", path, [.. Utf8($"{{\"{field}\":\"a"), 0xFF, .. Utf8("\"}")], field, Strict: true));
                probes.Add(new($"{field}.k=NUL", path, Utf8($"{{\"{field}\":{{\"k\":[\"\\u0000\"]}}}}"), field, Strict: true));
            }
        }
        // Whole bodies: malformed, deep, of the wrong kind, every field wrong at once.
        string[] wholes =
        [
            "[]", "{", new string('[', 200) + new string(']', 200), string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100),
            "{" + string.Join(",", CommonFields.Select(f => $"\"{f}\":null")) + "}", "{" + string.Join(",", CommonFields.Select(f => $"\"{f}\":[[{{}}]]")) + "}",
        ];
        probes.AddRange(wholes.Select(body => new Probe($"body={Short(body)}", path, Utf8(body), null)));
        return probes;
    }

    /// <summary>Whether the operation reads a body at all: one that does refuses malformed JSON.</summary>
    private static async Task<bool> ReadsBodyAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Utf8("{")) };
        request.Content.Headers.ContentType = new("application/json");
        using var response = await client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.BadRequest;
    }

    /// <summary>The field names a 422 INVALID_REQUEST lists, top level only (<c>price.currency</c> → <c>price</c>).</summary>
    private static async Task<HashSet<string>> FieldsNamedAsync(HttpClient client, string method, string path, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Utf8(body)) };
        request.Content.Headers.ContentType = new("application/json");
        using var response = await client.SendAsync(request);
        var json = TryParse(await response.Content.ReadAsStringAsync());
        if (response.StatusCode != HttpStatusCode.UnprocessableEntity || json?["code"]?.GetValue<string>() != "INVALID_REQUEST")
        {
            return [];
        }
        return [.. FieldPattern().Matches(json["message"]!.GetValue<string>()).Select(m => m.Groups[1].Value)];
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> ids, List<string> pathParams, string? replace, string? with)
    {
        var result = template;
        foreach (var param in pathParams)
        {
            var value = param == replace ? with! : IdFor(template, param, ids);
            result = result.Replace("{" + param + "}", value, StringComparison.Ordinal);
        }
        return result;
    }

    private static string IdFor(string template, string param, IReadOnlyDictionary<string, string> ids)
    {
        var key = param is "id" ? template.Split('/', StringSplitOptions.RemoveEmptyEntries)[0] : param;
        return ids.TryGetValue(key, out var id) ? id : "nope";
    }

    /// <summary>Real ids, so probes get past the lookup to the input rules.</summary>
    private static async Task<Dictionary<string, string>> IdsAsync(HttpClient client)
    {
        var customer = (await client.PostJsonAsync("/customers", new { name = "Fuzz", email = $"fuzz-{Guid.NewGuid():N}@example.com" })).Str("customer_id");
        var product = (await client.PostJsonAsync("/products", Catalog.ProductsApiTests.Recurring())).Str("product_id");
        var oneTime = (await client.PostJsonAsync("/products", Catalog.ProductsApiTests.OneTime())).Str("product_id");
        var collection = await client.PostJsonAsync("/product-collections", new { name = "F", groups = new[] { new { group_name = "G", products = new[] { new { product_id = product } } } } });
        var group = collection["groups"]![0]!;
        var webhook = (await client.PostJsonAsync("/webhooks", new { url = "https://hooks.example.com/fuzz" })).Str("id");
        var subscription = (await client.PostJsonAsync("/subscriptions", new { product_id = product, quantity = 1, customer = new { customer_id = customer }, billing = new { country = "US" } })).Str("subscription_id");
        var key = $"FUZZ-{Guid.NewGuid():N}";
        var license = await client.PostJsonAsync("/license_keys", new { customer_id = customer, product_id = oneTime, key }, HttpStatusCode.Created);
        var checkout = (await client.PostJsonAsync("/checkouts", new { product_cart = new[] { new { product_id = oneTime, quantity = 1 } } })).Str("session_id");
        return new()
        {
            ["customer_id"] = customer,
            ["webhook_id"] = webhook,
            ["products"] = oneTime,
            ["product-collections"] = collection.Str("id"),
            ["group_id"] = group.Str("group_id"),
            ["item_id"] = group["products"]![0]!.Str("id"),
            ["subscription_id"] = subscription,
            ["license_keys"] = license.Str("id"),
            ["checkouts"] = checkout,
        };
    }

    /// <summary>An API client from an address of its own, so the public endpoints' per-IP limits do not touch other tests.</summary>
    private HttpClient Client(string apiKey)
    {
        var source = PortalClient.UniqueLoopback();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Short(string text) => text.Length > 160 ? text[..160] + "…" : text;

    [GeneratedRegex(@"(?:^|; )([a-z_]+)(?:[.\[][^:]*)?: ")]
    private static partial Regex FieldPattern();
}
