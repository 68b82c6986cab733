using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Webhooks;

public sealed class WebhooksApiTests(AppFixture app)
{
    [Fact]
    public async Task Create_read_update_and_delete_an_endpoint()
    {
        var business = await app.CreateBusinessAsync();

        var created = await business.Test.PostJsonAsync("/webhooks", new
        {
            url = "https://example.com/hooks",
            description = "Orders",
            filter_types = new[] { "payment.succeeded", "refund.succeeded" },
            metadata = new { team = "billing" },
            rate_limit = 10,
        });
        var id = created.Str("id");
        Assert.StartsWith("whk_", id, StringComparison.Ordinal);
        Assert.Equal("Orders", created.Str("description"));
        Assert.False(created["disabled"]!.GetValue<bool>());
        Assert.Equal(2, created["filter_types"]!.AsArray().Count);
        Assert.Equal("billing", created["metadata"]!["team"]!.GetValue<string>());

        Assert.Equal(created.ToJsonString(), (await business.Test.GetJsonAsync($"/webhooks/{id}")).ToJsonString());

        var patched = await business.Test.PatchJsonAsync($"/webhooks/{id}", new { disabled = true, filter_types = Array.Empty<string>() });
        Assert.True(patched["disabled"]!.GetValue<bool>());
        Assert.Empty(patched["filter_types"]!.AsArray());
        Assert.Equal("Orders", patched.Str("description"));

        using var deleted = await business.Test.DeleteAsync($"/webhooks/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await business.Test.GetJsonAsync($"/webhooks/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_secret_is_retrievable_rotatable_and_encrypted_at_rest()
    {
        var business = await app.CreateBusinessAsync();
        var id = (await business.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/a" })).Str("id");

        var secret = (await business.Test.GetJsonAsync($"/webhooks/{id}/secret")).Str("secret");
        var rotated = (await business.Test.PostJsonAsync($"/webhooks/{id}/secret/rotate", "")).Str("secret");

        Assert.Matches("^whsec_[A-Za-z0-9+/]{32}$", secret);
        Assert.NotEqual(secret, rotated);
        Assert.Equal(rotated, (await business.Test.GetJsonAsync($"/webhooks/{id}/secret")).Str("secret"));
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var stored = await connection.QuerySingleAsync<string>("SELECT row_to_json(e)::text FROM webhook_endpoints e WHERE id = @id", new { id });
        Assert.DoesNotContain(secret[6..], stored, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated[6..], stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_headers_merge_and_sensitive_values_are_never_shown()
    {
        var business = await app.CreateBusinessAsync();
        var id = (await business.Test.PostJsonAsync("/webhooks", new
        {
            url = "https://example.com/h",
            headers = new Dictionary<string, string> { ["X-Team"] = "billing", ["Authorization"] = "Bearer s3cret" },
        })).Str("id");

        using var patched = await business.Test.PatchAsync($"/webhooks/{id}/headers", Json.Content(new { headers = new Dictionary<string, string> { ["X-Env"] = "prod", ["X-Team"] = "" } }));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var headers = await business.Test.GetJsonAsync($"/webhooks/{id}/headers");

        Assert.Equal("""{"X-Env":"prod"}""", headers["headers"]!.ToJsonString());
        Assert.Equal("""["Authorization"]""", headers["sensitive"]!.ToJsonString());
        Assert.DoesNotContain("s3cret", headers.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_with_a_cursor_until_done()
    {
        var business = await app.CreateBusinessAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await business.Test.PostJsonAsync("/webhooks", new { url = $"https://example.com/{i}" })).Str("id"));
        }

        var seen = new List<string>();
        string? iterator = null;
        var pages = 0;
        do
        {
            var page = await business.Test.GetJsonAsync($"/webhooks?limit=2{(iterator is null ? "" : $"&iterator={iterator}")}");
            seen.AddRange(page["data"]!.AsArray().Select(w => w!.Str("id")));
            iterator = page["iterator"]?.GetValue<string>();
            Assert.Equal(iterator is null, page["done"]!.GetValue<bool>());
            pages++;
        }
        while (iterator is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen);
        await business.Test.GetJsonAsync("/webhooks?iterator=garbage!", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_endpoint_and_refuses_a_different_one()
    {
        var business = await app.CreateBusinessAsync();
        var first = await business.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/i", idempotency_key = "setup-1" });
        var replay = await business.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/i", idempotency_key = "setup-1" });
        var other = await business.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/other", idempotency_key = "setup-1" }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(first.Str("id"), replay.Str("id"));
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", other.Str("code"));
        Assert.Single((await business.Test.GetJsonAsync("/webhooks"))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("""{}""", "url")]
    [InlineData("""{"url": "ftp://example.com"}""", "url")]
    [InlineData("""{"url": "http://example.com/hook"}""", "url")]
    [InlineData("""{"url": "not a url"}""", "url")]
    [InlineData("""{"url": "https://example.com", "filter_types": ["payment.exploded"]}""", "filter_types[0]")]
    [InlineData("""{"url": "https://example.com", "filter_types": "payment.succeeded"}""", "filter_types")]
    [InlineData("""{"url": "https://example.com", "headers": {"webhook-signature": "x"}}""", "headers.webhook-signature")]
    [InlineData("""{"url": "https://example.com", "headers": {"Bad Name": "x"}}""", "headers.Bad Name")]
    [InlineData("""{"url": "https://example.com", "headers": {"X-A": "a\r\nInjected: yes"}}""", "headers.X-A")]
    [InlineData("""{"url": "https://example.com", "metadata": {"n": 1}}""", "metadata.n")]
    [InlineData("""{"url": "https://example.com", "rate_limit": -1}""", "rate_limit")]
    [InlineData("""{"url": "https://example.com", "disabled": "yes"}""", "disabled")]
    public async Task Bad_input_is_a_422_naming_the_field_and_creates_nothing(string body, string field)
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.PostJsonAsync("/webhooks", body, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith(field + ":", error.Str("message"), StringComparison.Ordinal);
        Assert.Empty((await business.Test.GetJsonAsync("/webhooks"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Another_business_or_mode_cannot_see_or_change_an_endpoint()
    {
        var owner = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var id = (await owner.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/x" })).Str("id");

        foreach (var client in new[] { stranger.Test, owner.Live })
        {
            await client.GetJsonAsync($"/webhooks/{id}", HttpStatusCode.NotFound);
            await client.GetJsonAsync($"/webhooks/{id}/secret", HttpStatusCode.NotFound);
            await client.PatchJsonAsync($"/webhooks/{id}", new { disabled = true }, HttpStatusCode.NotFound);
            using var delete = await client.DeleteAsync($"/webhooks/{id}");
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
            Assert.Empty((await client.GetJsonAsync("/webhooks"))["data"]!.AsArray());
        }
        Assert.False((await owner.Test.GetJsonAsync($"/webhooks/{id}"))["disabled"]!.GetValue<bool>());
    }
}
