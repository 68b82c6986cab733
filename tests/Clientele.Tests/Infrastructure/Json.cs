using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Tests.Infrastructure;

/// <summary>HTTP helpers that speak the API's JSON and keep assertions readable.</summary>
public static class Json
{
    public static async Task<JsonNode> PostJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync(path, Content(body));
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonNode> PatchJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PatchAsync(path, Content(body));
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        return await ReadAsync(response, expected);
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A body: a string is sent as raw text (for malformed JSON), anything else serialized as is.</summary>
    public static HttpContent Content(object body) => body is string raw
        ? new StringContent(raw, Encoding.UTF8, "application/json")
        : JsonContent.Create(body, options: new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

    public static string Str(this JsonNode node, string property) => node[property]!.GetValue<string>();
}
