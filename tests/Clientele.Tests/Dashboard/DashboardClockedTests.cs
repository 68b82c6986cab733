using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Dashboard;

/// <summary>Link lifetimes and session timeouts, on the server whose clock the tests move.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class DashboardClockedTests(ClockedAppFixture app)
{
    [Fact]
    public async Task A_sign_in_link_expires_after_15_minutes()
    {
        var business = await app.CreateBusinessAsync("Dash Clock Co");
        var (_, _, early) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Owner);
        var (_, _, late) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Viewer);

        app.TestClock.Advance(TimeSpan.FromMinutes(14));
        using var client = new PortalClient(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardTestData.RedeemAsync(client, early)).Status);

        app.TestClock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(5));
        using var other = new PortalClient(app.BaseAddress);
        var expired = await other.GetAsync(late);
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("This link has expired", expired.Text, StringComparison.Ordinal);
        await other.GetAsync("/dashboard/login");
        Assert.Equal(HttpStatusCode.Gone, (await other.PostFormAsync(late)).Status);
    }

    [Fact]
    public async Task A_session_ends_after_30_minutes_without_use_and_after_12_hours_in_any_case()
    {
        var business = await app.CreateBusinessAsync("Dash Idle Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;

        app.TestClock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard/customers")).Status);
        app.TestClock.Advance(TimeSpan.FromMinutes(31));
        var ended = await client.GetAsync("/dashboard/customers");
        Assert.Equal(HttpStatusCode.Redirect, ended.Status);
        Assert.Equal("/dashboard/login?ended=True", ended.Location);
        Assert.Contains("Your session has ended", (await client.GetAsync(ended.Location!)).Text, StringComparison.Ordinal);

        var (busy, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);
        using var _busy = busy;
        // Used every 25 minutes: alive until 12 hours after sign-in (700 minutes at the last check), then over.
        for (var check = 0; check <= 28; check++)
        {
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/dashboard/customers")).Status);
            app.TestClock.Advance(TimeSpan.FromMinutes(25));
        }
        Assert.Equal(HttpStatusCode.Redirect, (await busy.GetAsync("/dashboard/customers")).Status);
    }

    [Fact]
    public async Task A_page_view_records_the_session_s_use_at_most_once_a_minute_and_the_idle_timeout_counts_from_it()
    {
        var business = await app.CreateBusinessAsync("Dash Touch Co");
        var (client, _, userId) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        var signedIn = await LastSeenAsync(userId);

        // Within the minute after the recorded use, views write nothing.
        app.TestClock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard/customers")).Status);
        Assert.Equal(signedIn, await LastSeenAsync(userId));

        // A minute after it, the view is recorded.
        app.TestClock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard/customers")).Status);
        var recorded = await LastSeenAsync(userId);
        Assert.InRange(recorded - signedIn, TimeSpan.FromSeconds(65), TimeSpan.FromSeconds(66));

        // A use 30 s later is not recorded, and the idle timeout (30 minutes) counts from the recorded one:
        // 30 min 5 s after it the session has ended, 29 min 35 s after its true last use (exact to the minute).
        app.TestClock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard/customers")).Status);
        Assert.Equal(recorded, await LastSeenAsync(userId));
        app.TestClock.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(25));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/dashboard/customers")).Status);
    }

    private static async Task<DateTime> LastSeenAsync(string userId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<DateTime>(
            "SELECT last_seen_at FROM dashboard_sessions WHERE user_id = @userId AND revoked_at IS NULL", new { userId });
    }
}
