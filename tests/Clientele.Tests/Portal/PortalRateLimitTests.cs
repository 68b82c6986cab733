using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Portal;

/// <summary>
/// The static link page's rate limits, on the server whose clock the tests hold still: the limits
/// count in fixed 15-minute windows, so on the real clock a window could end in the middle of a test.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class PortalRateLimitTests(ClockedAppFixture app)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static Dictionary<string, string> Email(string email) => new() { ["Email"] = email };

    /// <summary>Stops the clock one minute after the start of the next window; time runs again on dispose.</summary>
    private Unfreeze FreezeOneMinuteIntoAWindow()
    {
        var now = app.TestClock.GetUtcNow();
        var nextWindow = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % Window.Ticks) + Window.Ticks, TimeSpan.Zero);
        app.TestClock.Freeze(nextWindow + TimeSpan.FromMinutes(1));
        return new Unfreeze(app.TestClock);
    }

    private sealed class Unfreeze(TestClock clock) : IDisposable
    {
        public void Dispose() => clock.Unfreeze();
    }

    [Fact]
    public async Task Requests_per_email_are_limited_with_a_clear_429_page()
    {
        using var frozen = FreezeOneMinuteIntoAWindow();
        var business = await app.CreateBusinessAsync();
        var email = PortalTestData.UniqueEmail();
        await PortalTestData.CreateCustomerAsync(business.Test, email);
        var statuses = new List<HttpStatusCode>();
        Page last = null!;
        for (var i = 0; i < 6; i++)
        {
            // A new IP each time: only the per-e-mail limit (5 per 15 minutes) is in play.
            using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
            await client.GetAsync($"/test/login/{business.Id}");
            last = await client.PostFormAsync($"/test/login/{business.Id}", Email(email));
            statuses.Add(last.Status);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("Too many attempts", last.Text, StringComparison.Ordinal);
        Assert.Contains("try again in 14 minutes", last.Text, StringComparison.Ordinal);
        await Mailbox.WaitForAsync(app, email, count: 5);

        // The next window counts afresh.
        app.TestClock.Advance(TimeSpan.FromMinutes(14));
        using var later = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await later.GetAsync($"/test/login/{business.Id}");
        Assert.Equal(HttpStatusCode.OK, (await later.PostFormAsync($"/test/login/{business.Id}", Email(email))).Status);
    }

    [Fact]
    public async Task Requests_per_IP_are_limited()
    {
        using var frozen = FreezeOneMinuteIntoAWindow();
        var business = await app.CreateBusinessAsync();
        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
        {
            await client.GetAsync($"/test/login/{business.Id}");
            statuses.Add((await client.PostFormAsync($"/test/login/{business.Id}", Email(PortalTestData.UniqueEmail()))).Status);
        }
        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        // Another visitor is not affected.
        using var other = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await other.GetAsync($"/test/login/{business.Id}");
        Assert.Equal(HttpStatusCode.OK, (await other.PostFormAsync($"/test/login/{business.Id}", Email(PortalTestData.UniqueEmail()))).Status);
    }

    [Fact]
    public async Task Requests_per_business_are_limited()
    {
        using var frozen = FreezeOneMinuteIntoAWindow();
        var business = await app.CreateBusinessAsync();
        var other = await app.CreateBusinessAsync();
        var statuses = new List<HttpStatusCode>();
        for (var batch = 0; batch < 11; batch++)
        {
            using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
            await client.GetAsync($"/test/login/{business.Id}");
            for (var i = 0; i < 20 && statuses.Count < 201; i++)
            {
                statuses.Add((await client.PostFormAsync($"/test/login/{business.Id}", Email(PortalTestData.UniqueEmail()))).Status);
            }
        }
        Assert.Equal(200, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        // The limit is per business: another business's page still answers.
        using var fresh = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await fresh.GetAsync($"/test/login/{other.Id}");
        Assert.Equal(HttpStatusCode.OK, (await fresh.PostFormAsync($"/test/login/{other.Id}", Email(PortalTestData.UniqueEmail()))).Status);
    }
}
