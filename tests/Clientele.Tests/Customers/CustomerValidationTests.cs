using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Customers;

public sealed class CustomerValidationTests(AppFixture app)
{
    public static TheoryData<string, string> BadCreates => new()
    {
        { """{"email": "a@example.com"}""", "name" },
        { """{"name": "   ", "email": "a@example.com"}""", "name" },
        { """{"name": null, "email": "a@example.com"}""", "name" },
        { """{"name": 42, "email": "a@example.com"}""", "name" },
        { $$"""{"name": "{{new string('x', 201)}}", "email": "a@example.com"}""", "name" },
        { """{"name": "A"}""", "email" },
        { """{"name": "A", "email": "not-an-email"}""", "email" },
        { """{"name": "A", "email": "a@localhost"}""", "email" },
        { """{"name": "A", "email": "Ada <a@example.com>"}""", "email" },
        { $$"""{"name": "A", "email": "{{new string('a', 250)}}@example.com"}""", "email" },
        { """{"name": "A", "email": "a@example.com", "phone_number": "555-1234"}""", "phone_number" },
        { """{"name": "A", "email": "a@example.com", "phone_number": "+0123456789"}""", "phone_number" },
        { """{"name": "A", "email": "a@example.com", "phone_number": 14155550123}""", "phone_number" },
        { """{"name": "A", "email": "a@example.com", "metadata": "plan=pro"}""", "metadata" },
        { """{"name": "A", "email": "a@example.com", "metadata": {"nested": {"a": 1}}}""", "metadata.nested" },
        { """{"name": "A", "email": "a@example.com", "metadata": {"list": [1, 2]}}""", "metadata.list" },
        { $$$"""{"name": "A", "email": "a@example.com", "metadata": {"long": "{{{new string('x', 501)}}}"}}""", "metadata.long" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Bad_create_input_is_a_422_naming_the_field_and_writes_nothing(string body, string field)
    {
        var business = await app.CreateBusinessAsync();

        var error = await business.Test.PostJsonAsync("/customers", body, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("INVALID_REQUEST", error.Str("code"));
        Assert.StartsWith(field + ":", error.Str("message"), StringComparison.Ordinal);
        var list = await business.Test.GetJsonAsync("/customers");
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task Every_bad_field_is_named_at_once()
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.PostJsonAsync("/customers", """{"name": "", "email": "nope", "phone_number": "12"}""", HttpStatusCode.UnprocessableEntity);
        var message = error.Str("message");
        Assert.Contains("name:", message, StringComparison.Ordinal);
        Assert.Contains("email:", message, StringComparison.Ordinal);
        Assert.Contains("phone_number:", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_metadata_keys_are_refused()
    {
        var business = await app.CreateBusinessAsync();
        var metadata = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => (object)i);
        var error = await business.Test.PostJsonAsync("/customers", new { name = "A", email = "a@example.com", metadata }, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("metadata:", error.Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\": \"A\",")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    public async Task Malformed_json_is_a_400(string body)
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.PostJsonAsync("/customers", body, HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_JSON", error.Str("code"));
    }

    [Theory]
    [InlineData("""{"name": ""}""", "name")]
    [InlineData("""{"email": "bad@"}""", "email")]
    [InlineData("""{"phone_number": "call me"}""", "phone_number")]
    [InlineData("""{"metadata": [1]}""", "metadata")]
    public async Task Bad_patch_input_is_a_422_and_changes_nothing(string body, string field)
    {
        var business = await app.CreateBusinessAsync();
        var created = await business.Test.PostJsonAsync("/customers", new { name = "Keep", email = $"keep-{Guid.NewGuid():N}@example.com", phone_number = "+14155550123" });
        var path = $"/customers/{created.Str("customer_id")}";

        var error = await business.Test.PatchJsonAsync(path, body, HttpStatusCode.UnprocessableEntity);

        Assert.StartsWith(field + ":", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(created.ToJsonString(), (await business.Test.GetJsonAsync(path)).ToJsonString());
    }

    [Theory]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page_number=-1", "page_number")]
    [InlineData("page_number=abc", "page_number")]
    [InlineData("created_at_gte=yesterday", "created_at_gte")]
    [InlineData("created_at_lte=2025-13-01", "created_at_lte")]
    public async Task Bad_list_parameters_are_a_422_naming_the_parameter(string query, string field)
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.GetJsonAsync($"/customers?{query}", HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith(field + ":", error.Str("message"), StringComparison.Ordinal);
    }
}
