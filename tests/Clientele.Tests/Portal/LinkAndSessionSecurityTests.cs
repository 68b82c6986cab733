using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Portal;

/// <summary>Links are single use and scanner-safe; sessions are server-side, CSRF-protected and private.</summary>
public sealed class LinkAndSessionSecurityTests(AppFixture app)
{
    [Fact]
    public async Task A_scanner_GET_does_not_use_the_link_and_a_person_still_gets_in()
    {
        var business = await app.CreateBusinessAsync();
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        var path = await PortalTestData.DynamicLinkPathAsync(business.Test, id);

        using var scanner = new PortalClient(app.BaseAddress);
        for (var i = 0; i < 3; i++)
        {
            var page = await scanner.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("data-auto-submit", page.Html, StringComparison.Ordinal);
            Assert.DoesNotContain(page.SetCookies, c => c.StartsWith("clientele_test=", StringComparison.Ordinal));
        }
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("SELECT used_at FROM portal_links WHERE customer_id = @id", new { id }));

        using var person = new PortalClient(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalTestData.RedeemAsync(person, path)).Status);
    }

    [Fact]
    public async Task A_link_works_once()
    {
        var business = await app.CreateBusinessAsync();
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        var path = await PortalTestData.DynamicLinkPathAsync(business.Test, id);
        using var first = new PortalClient(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalTestData.RedeemAsync(first, path)).Status);

        using var second = new PortalClient(app.BaseAddress);
        var again = await second.GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Contains("This link was already used", again.Text, StringComparison.Ordinal);
        Assert.Contains($"href=\"/test/login/{business.Id}\"", again.Html, StringComparison.Ordinal);
        // Even a POST with a valid form token (from another page) is refused.
        await second.GetAsync($"/test/login/{business.Id}");
        var replay = await second.PostFormAsync(path);
        Assert.Equal(HttpStatusCode.Gone, replay.Status);
        Assert.DoesNotContain(replay.SetCookies, c => c.StartsWith("clientele_test=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Racing_clicks_on_one_link_open_exactly_one_session()
    {
        var business = await app.CreateBusinessAsync();
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        var path = await PortalTestData.DynamicLinkPathAsync(business.Test, id);
        var clients = Enumerable.Range(0, 6).Select(_ => new PortalClient(app.BaseAddress)).ToList();
        foreach (var client in clients)
        {
            await client.GetAsync(path);
        }
        var results = await Task.WhenAll(clients.Select(c => c.PostFormAsync(path)));
        Assert.Single(results, r => r.Status == HttpStatusCode.Redirect);
        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.Gone));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Unknown_and_malformed_links_get_a_friendly_page()
    {
        using var client = new PortalClient(app.BaseAddress);
        foreach (var path in new[] { "/link/" + new string('A', 43), "/link/short", "/test/link/" + new string('x', 43) })
        {
            var page = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Gone, page.Status);
            Assert.Contains("This link is not valid", page.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Session_cookie_is_HttpOnly_SameSite_host_only_and_rotated_on_each_sign_in()
    {
        var business = await app.CreateBusinessAsync();
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        using var client = new PortalClient(app.BaseAddress);
        var first = await PortalTestData.RedeemAsync(client, await PortalTestData.DynamicLinkPathAsync(business.Test, id));
        var cookie = Assert.Single(first.SetCookies, c => c.StartsWith("clientele_test=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal) || a.StartsWith("expires", StringComparison.Ordinal));
        // Plain http on loopback: no Secure flag and so no __Host- prefix (browsers would drop such a cookie).
        Assert.DoesNotContain("secure", attributes);
        var firstToken = cookie.Split(';')[0];

        var second = await PortalTestData.RedeemAsync(client, await PortalTestData.DynamicLinkPathAsync(business.Test, id));
        var secondToken = Assert.Single(second.SetCookies, c => c.StartsWith("clientele_test=", StringComparison.Ordinal)).Split(';')[0];
        Assert.NotEqual(firstToken, secondToken);

        // The replaced session was revoked on the server: its cookie no longer opens anything.
        using var replay = new PortalClient(app.BaseAddress);
        replay.Cookies.SetCookies(app.BaseAddress, firstToken);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/test/session/overview")).Status);
    }

    [Fact]
    public async Task Logout_revokes_the_session_on_the_server()
    {
        var business = await app.CreateBusinessAsync("Bye Co");
        var (client, _, _) = await PortalTestData.SignedInAsync(app, business.Test, "Katherine Johnson");
        using var _client = client;
        var overview = await client.GetAsync("/test/session/overview");
        Assert.Contains("no-store", overview.CacheControl, StringComparison.Ordinal);
        var stolen = client.Cookies.GetCookies(app.BaseAddress)["clientele_test"]!.Value;

        var logout = await client.PostFormAsync("/test/session/logout");
        Assert.Equal(HttpStatusCode.Redirect, logout.Status);
        Assert.StartsWith("/test/signed-out", logout.Location, StringComparison.Ordinal);
        var signedOut = await client.GetAsync(logout.Location!);
        Assert.Contains("You are signed out", signedOut.Text, StringComparison.Ordinal);

        // Someone who kept a copy of the cookie gets nothing either.
        using var thief = new PortalClient(app.BaseAddress);
        thief.Cookies.Add(app.BaseAddress, new Cookie("clientele_test", stolen));
        var page = await thief.GetAsync("/test/session/overview");
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal($"/test/login/{business.Id}?ended=True", page.Location);
        Assert.DoesNotContain("Katherine", (await thief.GetFollowingAsync("/test/session/overview")).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/test/session/logout")]
    [InlineData("/test/session/profile?handler=Details")]
    [InlineData("/test/language")]
    public async Task Forms_without_the_antiforgery_token_are_rejected(string path)
    {
        var business = await app.CreateBusinessAsync();
        var (client, _, _) = await PortalTestData.SignedInAsync(app, business.Test, "Original Name");
        using var _client = client;
        var page = await client.PostFormAsync(path, new Dictionary<string, string> { ["Name"] = "Forged", ["culture"] = "it" }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("Original Name", (await client.GetAsync("/test/session/profile")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forms_on_public_pages_need_the_token_too()
    {
        var business = await app.CreateBusinessAsync();
        using var client = new PortalClient(app.BaseAddress);
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        var path = await PortalTestData.DynamicLinkPathAsync(business.Test, id);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostFormAsync($"/test/login/{business.Id}", new Dictionary<string, string> { ["Email"] = "a@example.com" }, withToken: false)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostFormAsync(path, withToken: false)).Status);
        // The rejected POST did not use the link.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).Status);
    }

    [Fact]
    public async Task A_customer_never_sees_another_customers_data()
    {
        var business = await app.CreateBusinessAsync();
        var (alice, aliceId, _) = await PortalTestData.SignedInAsync(app, business.Test, "Alice Private");
        var (bob, bobId, bobEmail) = await PortalTestData.SignedInAsync(app, business.Test, "Bob Secret");
        using var _a = alice;
        using var _b = bob;

        // Naming Bob's id anywhere in Alice's requests changes nothing: pages only read the session's customer.
        foreach (var path in new[] { $"/test/session/overview?customer_id={bobId}", $"/test/session/profile?customerId={bobId}", $"/test/session/wallets?customer_id={bobId}" })
        {
            var page = await alice.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.DoesNotContain("Bob Secret", page.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(bobEmail, page.Text, StringComparison.Ordinal);
        }
        await alice.GetAsync("/test/session/profile");
        var update = await alice.PostFormAsync("/test/session/profile?handler=Details", new Dictionary<string, string> { ["Name"] = "Alice Renamed", ["Phone"] = "", ["CustomerId"] = bobId, ["customer_id"] = bobId });
        Assert.Equal(HttpStatusCode.Redirect, update.Status);
        Assert.Equal("Alice Renamed", (await business.Test.GetJsonAsync($"/customers/{aliceId}")).Str("name"));
        Assert.Equal("Bob Secret", (await business.Test.GetJsonAsync($"/customers/{bobId}")).Str("name"));

        // Alice's test-mode cookie is not a live-mode session, and means nothing in another business.
        var live = await alice.GetAsync("/session/overview");
        Assert.Equal(HttpStatusCode.Redirect, live.Status);
    }

    [Fact]
    public async Task Pages_send_security_headers()
    {
        var business = await app.CreateBusinessAsync();
        using var http = app.CreateAnonymousClient();
        using var response = await http.GetAsync($"/test/login/{business.Id}");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Portal_pages_are_never_cached_and_antiforgery_has_no_header_of_ours_to_override()
    {
        var business = await app.CreateBusinessAsync();
        var (client, _, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _client = client;
        foreach (var path in new[] { "/test/session/overview", "/test/session/wallets", "/test/session/profile", $"/test/login/{business.Id}" })
        {
            var page = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("no-store", page.CacheControl, StringComparison.Ordinal);
            Assert.Contains("__RequestVerificationToken", page.Html, StringComparison.Ordinal);
        }
        // Antiforgery warns each time it replaces a Cache-Control without no-cache: once per page served before.
        Assert.DoesNotContain(app.Logs.Snapshot(), line => line.Contains("have been overridden", StringComparison.Ordinal));
    }
}
