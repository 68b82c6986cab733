using System.Text.Json.Nodes;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.LicenseKeys;

namespace Clientele.Tests.Platform;

/// <summary>
/// Our <c>/openapi/v1.json</c> against the wire contract, <c>../shared/reference/dodo-openapi.json</c>
/// (read where it lies, never copied into the project).
/// </summary>
public sealed class OpenApiCompatibilityTests(AppFixture app)
{
    private static readonly Lazy<JsonNode> Reference = new(() =>
    {
        var path = Path.Combine(TestSettings.RepositoryRoot, "..", "shared", "reference", "dodo-openapi.json");
        Assert.True(File.Exists(path), $"The reference OpenAPI document is expected at {Path.GetFullPath(path)}");
        return JsonNode.Parse(File.ReadAllText(path))!;
    });

    private async Task<OpenApiCompatibility> CompatibilityAsync()
    {
        using var client = app.CreateAnonymousClient();
        return new OpenApiCompatibility(Reference.Value, await client.GetJsonAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task Every_declared_response_has_what_the_reference_requires_with_compatible_types_and_enum_values()
    {
        var compatibility = await CompatibilityAsync();
        var shared = compatibility.SharedOperations();
        Assert.True(shared.Count >= 30, $"Only {shared.Count} operations are shared with the reference; path matching is broken");

        var problems = new List<string>();
        var compared = 0;
        foreach (var operation in shared)
        {
            if (compatibility.ReferenceSchema(operation.Method, operation.NormalizedPath) is not { } theirs)
            {
                continue; // The reference declares no JSON body (empty 200s, PDFs): nothing to compare.
            }
            var label = $"{operation.Method.ToUpperInvariant()} {operation.Path}";
            if (compatibility.OurSchema(operation.Method, operation.NormalizedPath) is { } mine)
            {
                compared++;
                problems.AddRange(compatibility.CompareSchemas(theirs, mine, label));
            }
            else
            {
                problems.Add($"{label}: declares no JSON response body (add .Produces<T>())");
            }
        }
        Assert.True(compared >= 25, $"Only {compared} operations were compared");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_operation_the_reference_describes_declares_its_response_body()
    {
        var compatibility = await CompatibilityAsync();
        var missing = compatibility.SharedOperations()
            .Where(o => compatibility.ReferenceSchema(o.Method, o.NormalizedPath) is not null && compatibility.OurSchema(o.Method, o.NormalizedPath) is null)
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}")
            .ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} operations declare no response body: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Real_responses_carry_what_the_reference_requires_and_only_its_enum_values()
    {
        var compatibility = await CompatibilityAsync();
        var business = await app.CreateBusinessAsync("Compatibility Co");
        var api = business.Test;
        var problems = new List<string>();
        void Check(string method, string path, JsonNode body)
        {
            var schema = compatibility.ReferenceSchema(method, OpenApiCompatibility.Normalize(path));
            Assert.True(schema is not null, $"The reference has no response schema for {method} {path}");
            problems.AddRange(compatibility.CheckBody(schema!, body, $"{method.ToUpperInvariant()} {path}"));
        }

        var customer = await api.PostJsonAsync("/customers", new { name = "Ana Compat", email = $"compat-{Guid.NewGuid():N}@example.com", phone_number = "+14155550123" });
        var customerId = customer.Str("customer_id");
        Check("post", "/customers", customer);
        Check("get", "/customers/{customer_id}", await api.GetJsonAsync($"/customers/{customerId}"));
        Check("get", "/customers", await api.GetJsonAsync("/customers"));
        Check("post", "/customers/{customer_id}/wallets/ledger-entries",
            await api.PostJsonAsync($"/customers/{customerId}/wallets/ledger-entries", new { amount = 500, currency = "USD", entry_type = "credit", reason = "goodwill" }));
        Check("get", "/customers/{customer_id}/wallets", await api.GetJsonAsync($"/customers/{customerId}/wallets"));
        Check("get", "/customers/{customer_id}/wallets/ledger-entries", await api.GetJsonAsync($"/customers/{customerId}/wallets/ledger-entries"));
        Check("post", "/customers/{customer_id}/customer-portal/session", await api.PostJsonAsync($"/customers/{customerId}/customer-portal/session", new { }));

        var checkout = new CheckoutDriver(app, api);
        var productId = await checkout.ProductAsync(2500);
        Check("get", "/products/{id}", await api.GetJsonAsync($"/products/{productId}"));
        Check("get", "/products", await api.GetJsonAsync("/products"));
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(productId, quantity: 2, email: $"buyer-{Guid.NewGuid():N}@example.com")).Path);
        var paymentId = payment.Str("payment_id");
        Check("get", "/payments/{payment_id}", await api.GetJsonAsync($"/payments/{paymentId}"));
        Check("get", "/payments", await api.GetJsonAsync("/payments"));
        Check("get", "/payments/{payment_id}/line-items", await api.GetJsonAsync($"/payments/{paymentId}/line-items"));

        var (_, licenseKey) = await LicenseTestData.ImportedKeyAsync(api);
        Check("get", "/license_keys/{id}", await api.GetJsonAsync($"/license_keys/{licenseKey.Str("id")}"));
        Check("get", "/license_keys", await api.GetJsonAsync("/license_keys"));

        var webhook = await api.PostJsonAsync("/webhooks", new { url = "https://example.com/compat" });
        Check("post", "/webhooks", webhook);
        Check("get", "/webhooks", await api.GetJsonAsync("/webhooks"));
        Check("get", "/webhooks/{webhook_id}/secret", await api.GetJsonAsync($"/webhooks/{webhook.Str("id")}/secret"));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_checker_finds_a_missing_property_a_wrong_type_and_an_unknown_enum_value()
    {
        var reference = JsonNode.Parse("""
            {"paths": {}, "components": {"schemas": {
              "Status": {"type": "string", "enum": ["active", "on_hold"]},
              "Thing": {"type": "object", "required": ["id", "amount", "status"], "properties": {
                "id": {"type": "string"}, "amount": {"type": "integer"},
                "status": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Status"}]}}}}}}
            """)!;
        var ours = JsonNode.Parse("""
            {"paths": {}, "components": {"schemas": {
              "Thing": {"type": "object", "properties": {"amount": {"type": "string"}, "status": {"type": "string", "enum": ["active", "paused"]}}}}}}
            """)!;
        var compatibility = new OpenApiCompatibility(reference, ours);
        var thing = JsonNode.Parse("""{"$ref": "#/components/schemas/Thing"}""")!;

        var declared = compatibility.CompareSchemas(thing, JsonNode.Parse("""{"$ref": "#/components/schemas/Thing"}""")!, "X");
        Assert.Contains("X.id: required by the reference, missing from ours", declared);
        Assert.Contains(declared, p => p.StartsWith("X.amount: ours is string", StringComparison.Ordinal));
        Assert.Contains(declared, p => p.StartsWith("X.status: enum value(s) paused", StringComparison.Ordinal));

        var body = compatibility.CheckBody(thing, JsonNode.Parse("""{"amount": 1.5, "status": "paused"}"""), "Y");
        Assert.Contains("Y.id: required by the reference, missing", body);
        Assert.Contains(body, p => p.StartsWith("Y.amount: a JSON number", StringComparison.Ordinal));
        Assert.Contains(body, p => p.StartsWith("Y.status: \"paused\" is not one of", StringComparison.Ordinal));
        Assert.Empty(compatibility.CheckBody(thing, JsonNode.Parse("""{"id": "t_1", "amount": 3, "status": null}"""), "Z"));
    }
}
