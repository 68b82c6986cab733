using System.Net;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

public sealed class IsolationAndAuthTests(AppFixture app)
{
    [Fact]
    public async Task Another_business_cannot_read_list_or_patch_a_customer()
    {
        var owner = await app.CreateBusinessAsync("Owner");
        var stranger = await app.CreateBusinessAsync("Stranger");
        var customer = await owner.Test.PostJsonAsync("/customers", new { name = "Private", email = "private@example.com" });
        var path = $"/customers/{customer.Str("customer_id")}";

        await stranger.Test.GetJsonAsync(path, HttpStatusCode.NotFound);
        await stranger.Test.PatchJsonAsync(path, new { name = "Hijacked" }, HttpStatusCode.NotFound);
        Assert.Empty((await stranger.Test.GetJsonAsync("/customers?email=private%40example.com"))["items"]!.AsArray());
        Assert.Equal("Private", (await owner.Test.GetJsonAsync(path)).Str("name"));
    }

    [Fact]
    public async Task Test_and_live_modes_are_separate_worlds()
    {
        var business = await app.CreateBusinessAsync();
        var testCustomer = await business.Test.PostJsonAsync("/customers", new { name = "Tess", email = "same@example.com" });

        await business.Live.GetJsonAsync($"/customers/{testCustomer.Str("customer_id")}", HttpStatusCode.NotFound);
        Assert.Empty((await business.Live.GetJsonAsync("/customers"))["items"]!.AsArray());

        // The same e-mail may exist once per mode.
        var liveCustomer = await business.Live.PostJsonAsync("/customers", new { name = "Liv", email = "same@example.com" });
        Assert.NotEqual(testCustomer.Str("customer_id"), liveCustomer.Str("customer_id"));
        Assert.Equal("Liv", liveCustomer.Str("name"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer ck_prod_0000000000000000000000000000000000000000000")]
    [InlineData("Bearer ck_test_00000000000000000000000000000000000000000!!")]
    [InlineData("Bearer ck_test_0000000000000000000000000000000000000000000")]
    public async Task Missing_malformed_or_unknown_keys_get_401(string? authorization)
    {
        using var client = app.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/customers");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        var error = await Json.ReadAsync(response, HttpStatusCode.Unauthorized);

        Assert.Equal("UNAUTHORIZED", error.Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(error.Str("message")));
    }

    [Fact]
    public async Task Unauthenticated_requests_get_401_before_their_body_is_read()
    {
        using var client = app.CreateAnonymousClient();
        using var response = await client.PostAsync("/customers", Json.Content("{ not json"));
        await Json.ReadAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var business = await app.CreateBusinessAsync();
        await business.Test.GetJsonAsync("/customers");

        await app.Businesses.RevokeApiKeyAsync(business.TestKey.Info.Id);

        var error = await business.Test.GetJsonAsync("/customers", HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", error.Str("message"), StringComparison.OrdinalIgnoreCase);
        await business.Live.GetJsonAsync("/customers");
    }

    [Fact]
    public async Task Keys_carry_a_mode_prefix_and_256_random_bits_and_only_their_hash_is_stored()
    {
        var business = await app.CreateBusinessAsync();

        Assert.Matches("^ck_test_[0-9A-Za-z]{43}$", business.TestKey.Secret);
        Assert.Matches("^ck_live_[0-9A-Za-z]{43}$", business.LiveKey.Secret);
        await using var connection = new Npgsql.NpgsqlConnection(TestSettings.ConnectionString());
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM api_keys WHERE business_id = @b AND (display_hint = @secret OR encode(key_hash, 'escape') LIKE '%' || @secret || '%')", connection);
        command.Parameters.AddWithValue("b", business.Id);
        command.Parameters.AddWithValue("secret", business.TestKey.Secret);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
        Assert.Equal(Mode.Test, ModeText.Parse(business.TestKey.Info.Mode));
    }
}
