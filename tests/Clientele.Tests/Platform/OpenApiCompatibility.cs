using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clientele.Tests.Platform;

/// <summary>
/// Compares response schemas of two OpenAPI 3.1 documents (ours and the reference), and real response
/// bodies against the reference: every property the reference requires is there with a compatible
/// type, and every enum value is one the reference lists. <c>$ref</c>, <c>allOf</c> (merged) and
/// <c>oneOf</c>/<c>anyOf</c> (any alternative may match; a <c>null</c> alternative means nullable) are understood.
/// </summary>
public sealed partial class OpenApiCompatibility(JsonNode reference, JsonNode ours)
{
    private const int MaxDepth = 12;

    public sealed record Operation(string Method, string Path, string NormalizedPath);

    /// <summary>A schema flattened to what the comparison needs.</summary>
    private sealed record Shape(HashSet<string> Types, bool Nullable, Dictionary<string, JsonNode> Properties, HashSet<string> Required, JsonNode? Items, HashSet<string>? Enum, string? Format)
    {
        public bool IsUnknown => Types.Count == 0 && Properties.Count == 0 && Items is null && Enum is null && Format is null;
    }

    public static string Normalize(string path) => Parameter().Replace(path, "{}");

    /// <summary>Every (method, path) both documents have, matched with path parameters renamed away.</summary>
    public IReadOnlyList<Operation> SharedOperations()
    {
        var referenceOperations = Operations(reference).Select(o => (o.Method, o.NormalizedPath)).ToHashSet();
        return [.. Operations(ours).Where(o => referenceOperations.Contains((o.Method, o.NormalizedPath)))];
    }

    /// <summary>The JSON schema of the lowest 2xx response, or null when the document declares none.</summary>
    public static JsonNode? SuccessSchema(JsonNode document, string method, string normalizedPath)
    {
        var path = document["paths"]!.AsObject().FirstOrDefault(p => Normalize(p.Key) == normalizedPath).Value;
        var responses = path?[method]?["responses"]?.AsObject();
        return responses?
            .Where(r => r.Key.StartsWith('2'))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => r.Value?["content"]?["application/json"]?["schema"])
            .FirstOrDefault(s => s is not null);
    }

    public JsonNode? ReferenceSchema(string method, string normalizedPath) => SuccessSchema(reference, method, normalizedPath);

    public JsonNode? OurSchema(string method, string normalizedPath) => SuccessSchema(ours, method, normalizedPath);

    /// <summary>Where our declared schema falls short of the reference's, one line per problem.</summary>
    public List<string> CompareSchemas(JsonNode referenceSchema, JsonNode ourSchema, string where)
    {
        var problems = new List<string>();
        CompareAlternatives(Alternatives(reference, referenceSchema, 0), Alternatives(ours, ourSchema, 0), where, problems, 0);
        return problems;
    }

    /// <summary>Where a real body falls short of the reference's schema.</summary>
    public List<string> CheckBody(JsonNode referenceSchema, JsonNode? body, string where)
    {
        var problems = new List<string>();
        CheckValue(Alternatives(reference, referenceSchema, 0), body, where, problems, 0);
        return problems;
    }

    private static IEnumerable<Operation> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where method.Key is "get" or "post" or "patch" or "put" or "delete"
        select new Operation(method.Key, path.Key, Normalize(path.Key));

    private void CompareAlternatives(List<Shape> referenceShapes, List<Shape> ourShapes, string where, List<string> problems, int depth)
    {
        var theirs = referenceShapes.Where(s => !IsNullOnly(s)).ToList();
        var mine = ourShapes.Where(s => !IsNullOnly(s)).ToList();
        if (depth > MaxDepth || theirs.Count == 0 || mine.Count == 0)
        {
            return;
        }
        foreach (var shape in mine)
        {
            List<string>? best = null;
            foreach (var candidate in theirs)
            {
                var attempt = new List<string>();
                CompareOne(candidate, shape, where, attempt, depth);
                if (best is null || attempt.Count < best.Count)
                {
                    best = attempt;
                }
                if (attempt.Count == 0)
                {
                    break;
                }
            }
            problems.AddRange(best!);
        }
    }

    private void CompareOne(Shape theirs, Shape mine, string where, List<string> problems, int depth)
    {
        if (mine.IsUnknown || theirs.IsUnknown)
        {
            return;
        }
        if (theirs.Types.Count > 0 && mine.Types.Count > 0 && !mine.Types.All(t => TypeFits(t, theirs.Types)))
        {
            problems.Add($"{where}: ours is {string.Join("|", mine.Types)}, the reference's {string.Join("|", theirs.Types)}");
            return;
        }
        if (theirs.Types.Count > 0 && mine.Types.Count == 0 && mine.Format == "date-time" && !theirs.Types.Contains("string"))
        {
            problems.Add($"{where}: ours is a date-time, the reference's {string.Join("|", theirs.Types)}");
        }
        if (mine.Enum is not null && theirs.Enum is not null && mine.Enum.Except(theirs.Enum).ToList() is { Count: > 0 } extra)
        {
            problems.Add($"{where}: enum value(s) {string.Join(", ", extra)} are not in the reference's list");
        }
        foreach (var name in theirs.Required)
        {
            if (!mine.Properties.TryGetValue(name, out var property))
            {
                // An object declared without properties (a JsonObject built by hand) says nothing either way; the real-response check covers it.
                if (mine.Properties.Count > 0)
                {
                    problems.Add($"{where}.{name}: required by the reference, missing from ours");
                }
                continue;
            }
            CompareAlternatives(Alternatives(reference, theirs.Properties[name], depth + 1), Alternatives(ours, property, depth + 1), $"{where}.{name}", problems, depth + 1);
        }
        if (theirs.Items is not null && mine.Items is not null)
        {
            CompareAlternatives(Alternatives(reference, theirs.Items, depth + 1), Alternatives(ours, mine.Items, depth + 1), $"{where}[]", problems, depth + 1);
        }
    }

    private void CheckValue(List<Shape> referenceShapes, JsonNode? value, string where, List<string> problems, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        if (value is null)
        {
            if (referenceShapes.Count > 0 && !referenceShapes.Any(s => s.Nullable || s.IsUnknown))
            {
                problems.Add($"{where}: null, which the reference does not allow");
            }
            return;
        }
        var candidates = referenceShapes.Where(s => !IsNullOnly(s)).ToList();
        if (candidates.Count == 0)
        {
            return;
        }
        List<string>? best = null;
        foreach (var candidate in candidates)
        {
            var attempt = new List<string>();
            CheckOne(candidate, value, where, attempt, depth);
            if (best is null || attempt.Count < best.Count)
            {
                best = attempt;
            }
            if (attempt.Count == 0)
            {
                return;
            }
        }
        problems.AddRange(best!);
    }

    private void CheckOne(Shape theirs, JsonNode value, string where, List<string> problems, int depth)
    {
        var kind = Kind(value);
        if (theirs.Types.Count > 0 && !TypeFits(kind, theirs.Types))
        {
            problems.Add($"{where}: a JSON {kind}, the reference's {string.Join("|", theirs.Types)}");
            return;
        }
        if (theirs.Enum is not null && kind == "string" && !theirs.Enum.Contains(value.GetValue<string>()))
        {
            problems.Add($"{where}: \"{value.GetValue<string>()}\" is not one of the reference's values ({string.Join(", ", theirs.Enum)})");
        }
        if (value is JsonObject obj)
        {
            foreach (var name in theirs.Required.Where(n => !obj.ContainsKey(n)))
            {
                problems.Add($"{where}.{name}: required by the reference, missing");
            }
            foreach (var (name, property) in obj)
            {
                if (theirs.Properties.TryGetValue(name, out var schema))
                {
                    CheckValue(Alternatives(reference, schema, depth + 1), property, $"{where}.{name}", problems, depth + 1);
                }
            }
        }
        if (value is JsonArray array && theirs.Items is not null)
        {
            var items = Alternatives(reference, theirs.Items, depth + 1);
            for (var i = 0; i < array.Count; i++)
            {
                CheckValue(items, array[i], $"{where}[{i}]", problems, depth + 1);
            }
        }
    }

    private static bool TypeFits(string type, HashSet<string> allowed) =>
        allowed.Contains(type) || (type == "integer" && allowed.Contains("number"));

    private static bool IsNullOnly(Shape shape) => shape.Nullable && shape.Types.Count == 0 && shape.Properties.Count == 0 && shape.Items is null && shape.Enum is null;

    private static string Kind(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => value.ToJsonString().Contains('.', StringComparison.Ordinal) || value.ToJsonString().Contains('e', StringComparison.OrdinalIgnoreCase) ? "number" : "integer",
        _ => "null",
    };

    /// <summary>A schema as its alternatives (one unless oneOf/anyOf), each with allOf merged in.</summary>
    private static List<Shape> Alternatives(JsonNode document, JsonNode schema, int depth)
    {
        schema = Resolve(document, schema);
        if (depth > MaxDepth)
        {
            return [];
        }
        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray choices)
        {
            return [.. choices.SelectMany(c => Alternatives(document, c!, depth + 1))];
        }
        var types = new HashSet<string>();
        var nullable = false;
        switch (schema["type"])
        {
            case JsonValue single:
                types.Add(single.GetValue<string>());
                break;
            case JsonArray many:
                types.UnionWith(many.Select(t => t!.GetValue<string>()));
                break;
        }
        if (types.Remove("null"))
        {
            nullable = true;
        }
        var properties = schema["properties"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!) ?? [];
        var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        var enumValues = schema["enum"]?.AsArray().Where(v => v is not null && v.GetValueKind() == JsonValueKind.String).Select(v => v!.GetValue<string>()).ToHashSet();
        var shape = new Shape(types, nullable, properties, required, schema["items"], enumValues is { Count: > 0 } ? enumValues : null, schema["format"]?.GetValue<string>());
        if (schema["allOf"] is JsonArray parts)
        {
            foreach (var part in parts.SelectMany(p => Alternatives(document, p!, depth + 1).Take(1)))
            {
                shape.Types.UnionWith(part.Types);
                shape.Required.UnionWith(part.Required);
                foreach (var (name, property) in part.Properties)
                {
                    shape.Properties.TryAdd(name, property);
                }
                shape = shape with { Items = shape.Items ?? part.Items, Enum = shape.Enum ?? part.Enum, Nullable = shape.Nullable || part.Nullable };
            }
        }
        return [shape];
    }

    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        for (var hops = 0; hops < 32 && schema["$ref"]?.GetValue<string>() is { } reference; hops++)
        {
            var target = document;
            foreach (var segment in reference.TrimStart('#', '/').Split('/'))
            {
                target = target[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                    ?? throw new InvalidOperationException($"Unresolvable $ref {reference}");
            }
            schema = target;
        }
        return schema;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
