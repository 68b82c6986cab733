using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Dashboard;

/// <summary>Signing in to the dashboard by e-mail link, and signing out, over HTTP.</summary>
public sealed class DashboardSignInTests(AppFixture app)
{
    private static Dictionary<string, string> Email(string email) => new() { ["Email"] = email };

    [Fact]
    public async Task Without_a_session_the_dashboard_sends_to_the_login_page()
    {
        using var client = new PortalClient(app.BaseAddress);
        var home = await client.GetAsync("/dashboard");
        Assert.Equal("/dashboard/customers", home.Location);
        var customers = await client.GetAsync("/dashboard/customers");
        Assert.Equal(HttpStatusCode.Redirect, customers.Status);
        Assert.Equal("/dashboard/login", customers.Location);
        var login = await client.GetAsync("/dashboard/login");
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Contains("Sign in to the dashboard", login.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_signs_in_with_the_emailed_link_and_a_get_alone_does_not_use_it()
    {
        var business = await app.CreateBusinessAsync("Link Sign-in Co");
        var (email, _, _) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Admin);
        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await client.GetAsync("/dashboard/login");
        var sent = await client.PostFormAsync("/dashboard/login", Email(email.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains("Check your inbox", sent.Text, StringComparison.Ordinal);

        var path = Mailbox.PathOf(Mailbox.LinkIn(await Mailbox.WaitForAsync(app, email)));
        Assert.StartsWith("/dashboard/link/", path, StringComparison.Ordinal);
        // A mail scanner's fetches only see the confirm button.
        Assert.Contains("Continue", (await client.GetAsync(path)).Text, StringComparison.Ordinal);
        var confirm = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);

        var signedIn = await client.PostFormAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        Assert.Contains(signedIn.SetCookies, c => c.StartsWith("clientele_dashboard=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var page = await client.GetFollowingAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Link Sign-in Co", page.Text, StringComparison.Ordinal);
        Assert.Contains(email, page.Text, StringComparison.Ordinal);

        // Used once, refused after.
        using var other = new PortalClient(app.BaseAddress);
        var again = await other.GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Contains("already used", again.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answer_is_the_same_for_members_and_unknown_addresses_and_only_members_get_mail()
    {
        var business = await app.CreateBusinessAsync("Quiet Dashboard Co");
        var known = DashboardTestData.UniqueEmail("known");
        var unknown = DashboardTestData.UniqueEmail("nobod");
        await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Viewer, known);

        async Task<Page> SubmitAsync(string email)
        {
            using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
            await client.GetAsync("/dashboard/login");
            return await client.PostFormAsync("/dashboard/login", Email(email));
        }

        var forKnown = await SubmitAsync(known);
        var forUnknown = await SubmitAsync(unknown);
        Assert.Equal(forKnown.Status, forUnknown.Status);
        Assert.Equal(
            PortalClient.WithoutTokens(forKnown.Html).Replace(known, "ADDRESS", StringComparison.Ordinal),
            PortalClient.WithoutTokens(forUnknown.Html).Replace(unknown, "ADDRESS", StringComparison.Ordinal));
        await Mailbox.WaitForAsync(app, known);
        Assert.Equal(0, await Mailbox.CountAsync(app, unknown));
    }

    [Fact]
    public async Task Sign_in_requests_are_rate_limited_per_address()
    {
        var email = DashboardTestData.UniqueEmail("limited");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
            await client.GetAsync("/dashboard/login");
            statuses.Add((await client.PostFormAsync("/dashboard/login", Email(email))).Status);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Logout_revokes_the_session_on_the_server_so_a_kept_cookie_is_worthless()
    {
        var business = await app.CreateBusinessAsync("Logout Co");
        var (client, _, userId) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        var cookie = client.Cookies.GetCookies(app.BaseAddress)["clientele_dashboard"]!.Value;
        await client.GetAsync("/dashboard/customers");
        var loggedOut = await client.PostFormAsync("/dashboard/logout");
        Assert.Equal("/dashboard/signed-out", loggedOut.Location);

        using var replay = new PortalClient(app.BaseAddress);
        replay.Cookies.Add(app.BaseAddress, new Cookie("clientele_dashboard", cookie));
        var page = await replay.GetAsync("/dashboard/customers");
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/dashboard/login?ended=True", page.Location);

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM dashboard_sessions WHERE user_id = @userId AND revoked_at IS NULL", new { userId }));
    }

    [Fact]
    public async Task No_link_or_session_token_is_stored_only_their_hashes()
    {
        var business = await app.CreateBusinessAsync("Hash Co");
        var (_, userId, link) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Viewer);
        var token = link[(link.LastIndexOf('/') + 1)..];
        using var client = new PortalClient(app.BaseAddress);
        await DashboardTestData.RedeemAsync(client, link);
        var session = client.Cookies.GetCookies(app.BaseAddress)["clientele_dashboard"]!.Value;

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        foreach (var (table, column) in new[] { ("dashboard_links", "token_hash"), ("dashboard_sessions", "token_hash") })
        {
            var hashes = (await connection.QueryAsync<byte[]>($"SELECT {column} FROM {table} WHERE user_id = @userId", new { userId })).ToList();
            Assert.NotEmpty(hashes);
            Assert.All(hashes, h => Assert.Equal(32, h.Length));
            Assert.DoesNotContain(hashes, h => System.Text.Encoding.ASCII.GetString(h).Contains(token, StringComparison.Ordinal) || System.Text.Encoding.ASCII.GetString(h).Contains(session, StringComparison.Ordinal));
        }
    }
}
