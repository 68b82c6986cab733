using System.Net;
using Clientele.Tests.Infrastructure;

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
}
