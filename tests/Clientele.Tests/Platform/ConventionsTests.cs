using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

public sealed class ConventionsTests(AppFixture app)
{
    [Fact]
    public async Task Unknown_paths_are_404_in_the_error_shape()
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.GetJsonAsync("/_stainless_unknown_path", HttpStatusCode.NotFound);
        Assert.Equal("NOT_FOUND", error.Str("code"));
    }

    [Fact]
    public async Task Health_checks_the_database()
    {
        using var client = app.CreateAnonymousClient();
        var health = await client.GetJsonAsync("/health");
        Assert.Equal("ok", health.Str("database"));
    }

    [Fact]
    public async Task The_server_serves_its_openapi_document_with_the_customer_paths()
    {
        using var client = app.CreateAnonymousClient();
        var document = await client.GetJsonAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/customers"));
        Assert.True(paths.ContainsKey("/customers/{customer_id}"));
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.True(schemas.ContainsKey("CustomerResponse"));
        Assert.True(schemas["CustomerResponse"]!["properties"]!.AsObject().ContainsKey("customer_id"));
    }

    [Fact]
    public async Task Json_is_snake_case_with_nulls_written_out()
    {
        var business = await app.CreateBusinessAsync();
        var customer = await business.Test.PostJsonAsync("/customers", new { name = "Nully", email = "nully@example.com" });
        var keys = customer.AsObject().Select(p => p.Key).Order().ToList();
        Assert.Equal(["business_id", "created_at", "customer_id", "email", "metadata", "name", "phone_number"], keys);
        Assert.Null(customer["phone_number"]);
        Assert.Empty(customer["metadata"]!.AsObject());
    }
}
