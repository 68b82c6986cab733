using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

/// <summary>
/// <c>/openapi/v1.json</c> declares the body of every operation that reads one, and declares at least what
/// <c>../shared/reference/dodo-openapi.json</c> (read where it lies, never copied) requires of that body.
/// </summary>
public sealed class OpenApiRequestBodiesTests(AppFixture app)
{
    /// <summary>POSTs that read only the path or the query string, as in the reference.</summary>
    private static readonly HashSet<string> Bodyless =
    [
        "post /customers/{customer_id}/customer-portal/session",
        "post /customers/{customer_id}/customer-portal/invite",
        "post /products/{id}/unarchive",
        "post /product-collections/{id}/unarchive",
        "post /webhooks/{webhook_id}/secret/rotate",
    ];

    private static readonly Lazy<JsonNode> Reference = new(() =>
    {
        var path = Path.Combine(TestSettings.RepositoryRoot, "..", "shared", "reference", "dodo-openapi.json");
        Assert.True(File.Exists(path), $"The reference OpenAPI document is expected at {Path.GetFullPath(path)}");
        return JsonNode.Parse(File.ReadAllText(path))!;
    });

    private async Task<JsonNode> OursAsync()
    {
        using var client = app.CreateAnonymousClient();
        return await client.GetJsonAsync("/openapi/v1.json");
    }

    [Fact]
    public async Task Every_operation_that_reads_a_body_declares_a_json_schema_with_properties()
    {
        var ours = await OursAsync();
        var problems = new List<string>();
        var declared = 0;
        foreach (var (label, operation) in WritingOperations(ours))
        {
            var body = operation["requestBody"];
            if (Bodyless.Contains(label))
            {
                if (body is not null)
                {
                    problems.Add($"{label}: reads no body but declares one");
                }
                continue;
            }
            if (RequestBodies.Schema(body) is not { } schema)
            {
                problems.Add($"{label}: declares no application/json request body (add .Accepts<TRequest>(\"application/json\"))");
                continue;
            }
            var resolved = RequestBodies.Resolve(ours, schema);
            if (resolved["properties"] is not JsonObject { Count: > 0 })
            {
                problems.Add($"{label}: its request body schema has no properties");
                continue;
            }
            // No body counts as {} (JsonBody), so a body is required exactly when one of its fields is (a PATCH {} is valid).
            var required = resolved["required"] is JsonArray { Count: > 0 };
            if ((body!["required"]?.GetValue<bool>() ?? false) != required)
            {
                problems.Add($"{label}: the body is declared {(required ? "optional" : "required")}, but {(required ? "some" : "none")} of its fields are required");
            }
            declared++;
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(declared >= 27, $"Only {declared} request bodies were found; operation matching is broken");
    }

    [Fact]
    public async Task Every_request_body_declares_each_property_the_reference_requires_with_a_compatible_type()
    {
        var ours = await OursAsync();
        var compatibility = new OpenApiCompatibility(Reference.Value, ours);
        var problems = new List<string>();
        var compared = 0;
        foreach (var shared in compatibility.SharedOperations().Where(o => o.Method is "post" or "patch" or "put"))
        {
            var label = $"{shared.Method} {shared.Path}";
            var theirs = RequestBodies.Schema(RequestBodies.Operation(Reference.Value, shared.Method, shared.NormalizedPath)?["requestBody"]);
            var mine = RequestBodies.Schema(RequestBodies.Operation(ours, shared.Method, shared.NormalizedPath)?["requestBody"]);
            if (theirs is null)
            {
                if (mine is not null)
                {
                    problems.Add($"{label}: the reference takes no body here, ours declares one");
                }
                continue;
            }
            if (mine is null)
            {
                problems.Add($"{label}: the reference takes a body, ours declares none");
                continue;
            }
            compared++;
            problems.AddRange(RequestBodies.MissingRequired(Reference.Value, theirs, ours, mine, label));
            problems.AddRange(compatibility.CompareSchemas(theirs, mine, label));
        }
        Assert.True(compared >= 25, $"Only {compared} request bodies were compared with the reference");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_operation_declares_a_success_and_each_body_reading_one_its_malformed_and_invalid_answers()
    {
        var ours = await OursAsync();
        var problems = new List<string>();
        foreach (var path in ours["paths"]!.AsObject())
        {
            foreach (var (method, operation) in path.Value!.AsObject())
            {
                var label = $"{method} {path.Key}";
                var responses = operation!["responses"]?.AsObject() ?? [];
                if (!responses.Any(r => r.Key.StartsWith('2')))
                {
                    problems.Add($"{label}: declares no success status");
                }
                foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                {
                    if (response?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>() != "#/components/schemas/ApiError")
                    {
                        problems.Add($"{label}: its {status} is not declared as an ApiError");
                    }
                }
                if (operation["requestBody"] is not null)
                {
                    problems.AddRange(new[] { "400", "422" }.Where(s => !responses.ContainsKey(s)).Select(s => $"{label}: reads a body but does not declare {s}"));
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_checker_finds_a_property_only_one_alternative_of_the_reference_requires()
    {
        var reference = JsonNode.Parse("""
            {"components": {"schemas": {
              "New": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
              "Existing": {"type": "object", "required": ["type", "payment_method_id"], "properties": {"type": {"type": "string"}, "payment_method_id": {"type": "string"}}},
              "Body": {"oneOf": [{"$ref": "#/components/schemas/New"}, {"allOf": [{"$ref": "#/components/schemas/Existing"}]}]}}}}
            """)!;
        var ours = JsonNode.Parse("""
            {"components": {"schemas": {"Body": {"type": "object", "properties": {"type": {"type": "string"}}}}}}
            """)!;
        var body = JsonNode.Parse("""{"$ref": "#/components/schemas/Body"}""")!;

        Assert.Equal(["X.payment_method_id: required by the reference, not declared by ours"], RequestBodies.MissingRequired(reference, body, ours, body.DeepClone(), "X"));
        ours["components"]!["schemas"]!["Body"]!["properties"]!["payment_method_id"] = JsonNode.Parse("""{"type": "string"}""");
        Assert.Empty(RequestBodies.MissingRequired(reference, body, ours, body.DeepClone(), "X"));
    }

    private static IEnumerable<(string Label, JsonNode Operation)> WritingOperations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where method.Key is "post" or "patch" or "put"
        select ($"{method.Key} {path.Key}", method.Value!);
}

/// <summary>Reads request bodies of an OpenAPI document.</summary>
internal static class RequestBodies
{
    public static JsonNode? Operation(JsonNode document, string method, string normalizedPath) =>
        document["paths"]!.AsObject().FirstOrDefault(p => OpenApiCompatibility.Normalize(p.Key) == normalizedPath).Value?[method];

    public static JsonNode? Schema(JsonNode? requestBody) => requestBody?["content"]?["application/json"]?["schema"];

    public static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        for (var hops = 0; hops < 32 && schema["$ref"]?.GetValue<string>() is { } pointer; hops++)
        {
            schema = pointer.TrimStart('#', '/').Split('/').Aggregate(document, (node, segment) => node[segment]
                ?? throw new InvalidOperationException($"Unresolvable $ref {pointer}"));
        }
        return schema;
    }

    /// <summary>
    /// The top-level properties any alternative of the reference's body requires (a union: a oneOf's
    /// <c>{type: existing, payment_method_id}</c> means the field must be declared) that ours does not declare.
    /// </summary>
    public static List<string> MissingRequired(JsonNode reference, JsonNode theirs, JsonNode ours, JsonNode mine, string label)
    {
        var declared = Properties(ours, mine);
        return [.. Required(reference, theirs, 0).Where(name => !declared.Contains(name)).Order(StringComparer.Ordinal)
            .Select(name => $"{label}.{name}: required by the reference, not declared by ours")];
    }

    private static HashSet<string> Required(JsonNode document, JsonNode schema, int depth)
    {
        schema = Resolve(document, schema);
        var names = schema["required"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet() ?? [];
        if (depth < 8)
        {
            foreach (var part in new[] { "allOf", "oneOf", "anyOf" }.SelectMany(k => schema[k]?.AsArray() ?? []))
            {
                names.UnionWith(Required(document, part!, depth + 1));
            }
        }
        return names;
    }

    private static HashSet<string> Properties(JsonNode document, JsonNode schema)
    {
        schema = Resolve(document, schema);
        var names = schema["properties"]?.AsObject().Select(p => p.Key).ToHashSet() ?? [];
        foreach (var part in schema["allOf"]?.AsArray() ?? [])
        {
            names.UnionWith(Properties(document, part!));
        }
        return names;
    }
}
