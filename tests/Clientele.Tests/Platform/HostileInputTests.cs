using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

/// <summary>Hostile text, paths and list sizes are a 4xx naming the field, never a 500 and never a surprise route.</summary>
public sealed class HostileInputTests(AppFixture app)
{
    private static ByteArrayContent RawJson(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<JsonNode> ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {(text.Length > 300 ? text[..300] : text)}");
        var body = JsonNode.Parse(text)!;
        Assert.Contains(field, body.Str("message"), StringComparison.Ordinal);
        return body;
    }

    [Fact]
    public async Task A_nul_character_in_a_json_string_is_a_422_naming_the_field()
    {
        var business = await app.CreateBusinessAsync();
        using var customer = await business.Test.PostAsync("/customers", RawJson(Utf8("""{"name":"a\u0000b","email":"n@example.com"}""")));
        await ExpectAsync(customer, HttpStatusCode.UnprocessableEntity, "name");

        using var anonymous = app.CreateAnonymousClient();
        using var validate = await anonymous.PostAsync("/licenses/validate", RawJson(Utf8("""{"license_key":"X","license_key_instance_id":"a\u0000b"}""")));
        await ExpectAsync(validate, HttpStatusCode.UnprocessableEntity, "license_key_instance_id");

        using var nested = await business.Test.PostAsync("/customers", RawJson(Utf8("""{"name":"A","email":"n@example.com","metadata":{"k":"a\u0000"}}""")));
        await ExpectAsync(nested, HttpStatusCode.UnprocessableEntity, "metadata.k");
    }

    [Fact]
    public async Task Invalid_utf8_or_a_lone_surrogate_in_a_json_string_is_a_400_naming_the_field()
    {
        using var anonymous = app.CreateAnonymousClient();
        byte[] invalid = [.. Utf8("{\"license_key\":\"X\",\"name\":\""), 0xFF, .. Utf8("\"}")];
        using var activate = await anonymous.PostAsync("/licenses/activate", RawJson(invalid));
        await ExpectAsync(activate, HttpStatusCode.BadRequest, "name");

        using var surrogate = await anonymous.PostAsync("/licenses/activate", RawJson(Utf8("""{"license_key":"X","name":"\ud800"}""")));
        await ExpectAsync(surrogate, HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task A_body_the_server_cannot_read_is_a_400_that_creates_nothing_and_logs_no_error()
    {
        // Kestrel throws the same BadHttpRequestException for a malformed chunk as for a body a client cuts short
        // (a load tool stopping mid-request); the malformed chunk reaches the handler every time, the cut only when
        // the connection's abort has not been noticed yet.
        var business = await app.CreateBusinessAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, app.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Utf8(
            "POST /customers HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            $"Authorization: Bearer {business.TestKey.Secret}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "zz\r\n{}\r\n0\r\n\r\n"));
        var answer = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("""{"code":"BAD_REQUEST","message":"The request could not be read."}""", answer, StringComparison.Ordinal);
        Assert.Empty((await business.Test.GetJsonAsync("/customers"))["items"]!.AsArray());
        // The client's mistake is not the server's error: nothing at Warning or above names it.
        Assert.DoesNotContain(app.Logs.Snapshot(), line =>
            (line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal) || line.StartsWith("Warning", StringComparison.Ordinal))
            && line.Contains("Bad chunk size data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("%FF")]
    [InlineData("a%C3")]
    public async Task Hostile_query_values_are_a_400_naming_the_parameter(string value)
    {
        using var anonymous = app.CreateAnonymousClient();
        using var invoice = await anonymous.GetAsync($"/invoices/payments/pay_x?token={value}");
        await ExpectAsync(invoice, HttpStatusCode.BadRequest, "token");

        var business = await app.CreateBusinessAsync();
        using var list = await business.Test.GetAsync($"/customers?email={value}");
        await ExpectAsync(list, HttpStatusCode.BadRequest, "email");
    }

    [Fact]
    public async Task A_nul_character_in_a_form_field_is_a_400_naming_the_field()
    {
        var business = await app.CreateBusinessAsync();
        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await client.GetAsync($"/test/login/{business.Id}");
        var page = await client.PostFormAsync($"/test/login/{business.Id}", new Dictionary<string, string> { ["Email"] = "a\0b@example.com" });
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("Email", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nul_character_in_a_path_id_is_a_400()
    {
        var business = await app.CreateBusinessAsync();
        using var response = await business.Test.GetAsync("/customers/cus_%00x");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("cus_%FF")]
    [InlineData("cus_%C3")]
    public async Task Invalid_utf8_in_a_path_id_is_a_400(string id)
    {
        var business = await app.CreateBusinessAsync();
        var target = new Uri($"{app.BaseAddress.ToString().TrimEnd('/')}/customers/{id}",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var response = await business.Test.GetAsync(target);
        await ExpectAsync(response, HttpStatusCode.BadRequest, "path");
    }

    [Theory]
    [InlineData("/customers/cus_%C3%A9", HttpStatusCode.NotFound)] // valid UTF-8 (é): an id that does not exist
    [InlineData("/customers/cus_a+b", HttpStatusCode.NotFound)] // '+' in a path is a plus, not a space
    [InlineData("/customers/", HttpStatusCode.OK)] // a trailing slash is harmless
    public async Task Plain_and_well_encoded_paths_pass_the_guard(string path, HttpStatusCode expected)
    {
        var business = await app.CreateBusinessAsync();
        using var response = await business.Test.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("%2e%2e")]
    [InlineData("%2E%2E")]
    [InlineData("%2e")]
    [InlineData(".%2e")]
    public async Task Encoded_dot_segments_are_a_400_and_do_not_reach_another_route(string segment)
    {
        var business = await app.CreateBusinessAsync();
        var product = (await business.Test.PostJsonAsync("/products", Catalog.ProductsApiTests.Recurring())).Str("product_id");
        var collection = await business.Test.PostJsonAsync("/product-collections", new
        {
            name = "Plans",
            groups = new[] { new { group_name = "Monthly", products = new[] { new { product_id = product } } } },
        });
        var id = collection.Str("id");

        var target = new Uri($"{app.BaseAddress.ToString().TrimEnd('/')}/product-collections/{id}/groups/{segment}",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(HttpMethod.Delete, target);
        using var response = await business.Test.SendAsync(request);
        await ExpectAsync(response, HttpStatusCode.BadRequest, "path");
        var active = await business.Test.GetJsonAsync("/product-collections");
        Assert.Contains(id, active["items"]!.AsArray().Select(c => c!.Str("id")));
    }

    [Fact]
    public async Task An_empty_id_segment_is_a_400()
    {
        var business = await app.CreateBusinessAsync();
        var target = new Uri($"{app.BaseAddress.ToString().TrimEnd('/')}/product-collections//groups/x",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(HttpMethod.Delete, target);
        using var response = await business.Test.SendAsync(request);
        await ExpectAsync(response, HttpStatusCode.BadRequest, "path");
    }

    [Fact]
    public async Task A_list_beyond_its_maximum_is_a_quick_422_naming_the_field()
    {
        var business = await app.CreateBusinessAsync();
        var groups = string.Join(",", Enumerable.Repeat("""{"products":[]}""", 20_000));
        var started = Stopwatch.GetTimestamp();
        using var response = await business.Test.PostAsync("/product-collections", RawJson(Utf8($$"""{"name":"Big","groups":[{{groups}}]}""")));
        await ExpectAsync(response, HttpStatusCode.UnprocessableEntity, "groups");
        // It used to take 22 s (and over a minute on a busy machine) to create 20,000 groups.
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10), $"took {Stopwatch.GetElapsedTime(started)}");

        var cart = string.Join(",", Enumerable.Repeat("""{"product_id":"pdt_x","quantity":1}""", 101));
        using var checkout = await business.Test.PostAsync("/checkouts", RawJson(Utf8($$"""{"product_cart":[{{cart}}]}""")));
        await ExpectAsync(checkout, HttpStatusCode.UnprocessableEntity, "product_cart");
    }
}
