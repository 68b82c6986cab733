using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

/// <summary>The OpenAPI document declares each operation's outcomes, not only its success.</summary>
public sealed class OpenApiOutcomesTests(AppFixture app)
{
    [Theory]
    [InlineData("/refunds", "post", "200,400,401,404,422")]
    [InlineData("/refunds/{refund_id}", "get", "200,401,404")]
    [InlineData("/customers/{customer_id}/payment-methods", "get", "200,401,404")]
    [InlineData("/customers/{customer_id}/payment-methods/{payment_method_id}", "delete", "204,401,404,409")]
    [InlineData("/checkouts", "post", "200,400,401,422")]
    [InlineData("/checkouts/{id}", "get", "200,401,404")]
    [InlineData("/product-collections", "post", "200,400,401,409,422")]
    [InlineData("/product-collections/{id}", "delete", "200,401,404,410")]
    public async Task Each_operation_declares_its_success_and_failure_statuses(string path, string method, string statuses)
    {
        using var client = app.CreateAnonymousClient();
        var document = await client.GetJsonAsync("/openapi/v1.json");
        var responses = document["paths"]![path]![method]!["responses"]!.AsObject();
        Assert.Equal(statuses.Split(','), responses.Select(r => r.Key).Order(StringComparer.Ordinal));
    }
}
