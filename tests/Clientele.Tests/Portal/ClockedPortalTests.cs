using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Portal;

/// <summary>Lifetimes and timeouts, on a server whose clock the test moves.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class ClockedPortalTests(ClockedAppFixture app)
{
    [Fact]
    public async Task An_emailed_static_link_expires_after_15_minutes()
    {
        var business = await app.CreateBusinessAsync("Clock Co");
        var email = PortalTestData.UniqueEmail();
        await PortalTestData.CreateCustomerAsync(business.Test, email);
        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await client.GetAsync($"/test/login/{business.Id}");
        await client.PostFormAsync($"/test/login/{business.Id}", new Dictionary<string, string> { ["Email"] = email });
        var path = Mailbox.PathOf(Mailbox.LinkIn(await Mailbox.WaitForAsync(app, email)));

        app.TestClock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(5));
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, page.Status);
        Assert.Contains("This link has expired", page.Text, StringComparison.Ordinal);
        Assert.Contains($"href=\"/test/login/{business.Id}\"", page.Html, StringComparison.Ordinal);
        await client.GetAsync($"/test/login/{business.Id}");
        Assert.Equal(HttpStatusCode.Gone, (await client.PostFormAsync(path)).Status);
    }

    [Fact]
    public async Task A_dynamic_link_lasts_24_hours()
    {
        var business = await app.CreateBusinessAsync();
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        var early = await PortalTestData.DynamicLinkPathAsync(business.Test, id);
        var late = await PortalTestData.DynamicLinkPathAsync(business.Test, id);

        app.TestClock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        using var client = new PortalClient(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalTestData.RedeemAsync(client, early)).Status);

        app.TestClock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Gone, (await client.GetAsync(late)).Status);
    }

    [Fact]
    public async Task A_session_ends_after_an_hour_without_use()
    {
        var business = await app.CreateBusinessAsync();
        var (client, _, _) = await PortalTestData.SignedInAsync(app, business.Test, "Idle Person");
        using var _client = client;
        app.TestClock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/test/session/overview")).Status);

        app.TestClock.Advance(TimeSpan.FromMinutes(61));
        var page = await client.GetAsync("/test/session/overview");
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal($"/test/login/{business.Id}?ended=True", page.Location);
        var login = await client.GetAsync(page.Location!);
        Assert.Contains("Your session has ended", login.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Idle Person", login.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_ends_12_hours_after_sign_in_however_active()
    {
        var business = await app.CreateBusinessAsync();
        var (client, _, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _client = client;
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(11.5); elapsed += TimeSpan.FromMinutes(50))
        {
            app.TestClock.Advance(TimeSpan.FromMinutes(50));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/test/session/profile")).Status);
        }
        app.TestClock.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/test/session/profile")).Status);
    }

    [Fact]
    public async Task Browsing_records_a_sessions_use_at_most_once_a_minute()
    {
        var business = await app.CreateBusinessAsync();
        var (client, customerId, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _client = client;
        var signedIn = await LastSeenAsync(customerId);

        app.TestClock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/test/session/overview")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/test/session/profile")).Status);
        Assert.Equal(signedIn, await LastSeenAsync(customerId));

        app.TestClock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/test/session/overview")).Status);
        var recorded = await LastSeenAsync(customerId);
        // The test clock also moves with real time, by the little the requests take.
        Assert.InRange(recorded - signedIn, TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(71));

        app.TestClock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/test/session/overview")).Status);
        Assert.Equal(recorded, await LastSeenAsync(customerId));
    }

    [Fact]
    public async Task The_idle_timeout_counts_from_the_last_recorded_use_exact_to_the_minute()
    {
        var business = await app.CreateBusinessAsync();
        var (unrecorded, unrecordedId, _) = await PortalTestData.SignedInAsync(app, business.Test);
        var (recorded, recordedId, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _unrecorded = unrecorded;
        using var _recorded = recorded;

        // A use within the minute after sign-in is not recorded; one a minute later is.
        app.TestClock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(HttpStatusCode.OK, (await unrecorded.GetAsync("/test/session/overview")).Status);
        app.TestClock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, (await recorded.GetAsync("/test/session/overview")).Status);
        Assert.InRange(await LastSeenAsync(recordedId) - await LastSeenAsync(unrecordedId), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(70));

        // An hour after sign-in: the session whose last recorded use is sign-in has ended (59 min 10 s after its
        // true last use, within the minute); the other lives until an hour after its recorded use.
        app.TestClock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.Redirect, (await unrecorded.GetAsync("/test/session/overview")).Status);
        Assert.Equal(HttpStatusCode.OK, (await recorded.GetAsync("/test/session/overview")).Status);

        var (idle, _, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _idle = idle;
        app.TestClock.Advance(TimeSpan.FromMinutes(60) - TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, (await idle.GetAsync("/test/session/overview")).Status);
        app.TestClock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(HttpStatusCode.Redirect, (await idle.GetAsync("/test/session/overview")).Status);
    }

    private static async Task<DateTime> LastSeenAsync(string customerId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<DateTime>(
            "SELECT last_seen_at FROM portal_sessions WHERE customer_id = @customerId AND revoked_at IS NULL", new { customerId });
    }
}
