using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Portal;

/// <summary>The unified portal at <c>/</c>: one e-mail, every live-mode business where it is a customer.</summary>
public sealed class UnifiedPortalTests(AppFixture app)
{
    [Fact]
    public async Task One_link_lists_every_live_business_and_enters_any_without_another_email()
    {
        var email = PortalTestData.UniqueEmail("everywhere");
        var first = await app.CreateBusinessAsync("Alpha Apps");
        var second = await app.CreateBusinessAsync("Beta Books");
        var testOnly = await app.CreateBusinessAsync("Gamma Test Only");
        var elsewhere = await app.CreateBusinessAsync("Delta Not Mine");
        await PortalTestData.CreateCustomerAsync(first.Live, email, "Uni Fied");
        await PortalTestData.CreateCustomerAsync(second.Live, email.ToUpperInvariant(), "Uni Fied");
        await PortalTestData.CreateCustomerAsync(testOnly.Test, email, "Uni Fied");
        await PortalTestData.CreateCustomerAsync(elsewhere.Live, PortalTestData.UniqueEmail());

        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await client.GetAsync("/");
        var sent = await client.PostFormAsync("/", new Dictionary<string, string> { ["Email"] = email });
        Assert.Contains("Check your inbox", sent.Text, StringComparison.Ordinal);
        var mail = await Mailbox.WaitForAsync(app, email);
        Assert.Null(mail.BusinessId);
        Assert.Equal("live", mail.Mode);
        var path = Mailbox.PathOf(Mailbox.LinkIn(mail));
        Assert.StartsWith("/unified/link/", path, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).Status);
        var redeemed = await client.PostFormAsync(path);
        Assert.Equal("/businesses", redeemed.Location);
        var list = await client.GetAsync("/businesses");
        Assert.Contains("Alpha Apps", list.Text, StringComparison.Ordinal);
        Assert.Contains("Beta Books", list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Gamma Test Only", list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Delta Not Mine", list.Text, StringComparison.Ordinal);

        foreach (var (business, name) in new[] { (first, "Alpha Apps"), (second, "Beta Books") })
        {
            await client.GetAsync("/businesses");
            var entered = await client.PostFormAsync("/businesses?handler=Enter", new Dictionary<string, string> { ["businessId"] = business.Id });
            Assert.Equal("/session/overview", entered.Location);
            var overview = await client.GetAsync("/session/overview");
            Assert.Contains(name, overview.Text, StringComparison.Ordinal);
            Assert.Contains("Uni Fied", overview.Text, StringComparison.Ordinal);
            Assert.Contains("All my businesses", overview.Text, StringComparison.Ordinal);
        }

        // A business where the e-mail is no customer cannot be entered by naming it.
        await client.GetAsync("/businesses");
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync("/businesses?handler=Enter", new Dictionary<string, string> { ["businessId"] = elsewhere.Id })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync("/businesses?handler=Enter", new Dictionary<string, string> { ["businessId"] = testOnly.Id })).Status);
    }

    [Fact]
    public async Task Unknown_emails_get_the_same_answer_and_no_mail()
    {
        var business = await app.CreateBusinessAsync();
        var known = PortalTestData.UniqueEmail("known");
        var unknown = PortalTestData.UniqueEmail("unkno");
        await PortalTestData.CreateCustomerAsync(business.Live, known);

        async Task<Page> SubmitAsync(string email)
        {
            using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
            await client.GetAsync("/");
            return await client.PostFormAsync("/", new Dictionary<string, string> { ["Email"] = email });
        }
        var a = await SubmitAsync(known);
        var b = await SubmitAsync(unknown);
        Assert.Equal(a.Status, b.Status);
        Assert.Equal(PortalClient.WithoutTokens(a.Html).Replace(known, "X", StringComparison.Ordinal), PortalClient.WithoutTokens(b.Html).Replace(unknown, "X", StringComparison.Ordinal));
        await Mailbox.WaitForAsync(app, known);
        Assert.Equal(0, await Mailbox.CountAsync(app, unknown));
    }

    [Fact]
    public async Task Without_a_unified_session_the_business_list_sends_you_to_the_front_door()
    {
        using var client = new PortalClient(app.BaseAddress);
        var page = await client.GetAsync("/businesses");
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/", page.Location);
        Assert.Equal(HttpStatusCode.Gone, (await client.GetAsync("/unified/link/" + new string('Z', 43))).Status);
    }
}
