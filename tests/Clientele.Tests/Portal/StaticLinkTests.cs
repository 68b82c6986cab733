using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Portal;

/// <summary>The static link page, <c>/login/{business_id}</c>: no enumeration, a mailed single-use link (rate limits: PortalRateLimitTests).</summary>
public sealed class StaticLinkTests(AppFixture app)
{
    private static Dictionary<string, string> Email(string email) => new() { ["Email"] = email };

    [Fact]
    public async Task Known_customers_get_a_link_by_email_that_opens_the_portal()
    {
        var business = await app.CreateBusinessAsync("Static Co");
        var email = PortalTestData.UniqueEmail();
        await PortalTestData.CreateCustomerAsync(business.Test, email, "Ada Static");
        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());

        var form = await client.GetAsync($"/test/login/{business.Id}");
        Assert.Contains("Sign in to Static Co", form.Text, StringComparison.Ordinal);
        var sent = await client.PostFormAsync($"/test/login/{business.Id}", Email(email.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains("Check your inbox", sent.Text, StringComparison.Ordinal);

        var mail = await Mailbox.WaitForAsync(app, email);
        Assert.Equal("test", mail.Mode);
        Assert.Contains("expires in 15 minutes", mail.TextBody, StringComparison.Ordinal);
        var path = Mailbox.PathOf(Mailbox.LinkIn(mail));
        Assert.StartsWith("/test/link/", path, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalTestData.RedeemAsync(client, path)).Status);
        Assert.Contains("Ada Static", (await client.GetAsync("/test/session/overview")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answer_is_the_same_for_known_and_unknown_emails()
    {
        var business = await app.CreateBusinessAsync("Quiet Co");
        var known = PortalTestData.UniqueEmail("known");
        var unknown = PortalTestData.UniqueEmail("unknown");
        // Same length, so even the echoed address cannot tell the two apart.
        Assert.Equal(known.Length - "known".Length, unknown.Length - "unknown".Length);
        await PortalTestData.CreateCustomerAsync(business.Test, known);

        async Task<Page> SubmitAsync(string email)
        {
            using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
            await client.GetAsync($"/test/login/{business.Id}");
            return await client.PostFormAsync($"/test/login/{business.Id}", Email(email));
        }

        var forKnown = await SubmitAsync(known);
        var forUnknown = await SubmitAsync(unknown);
        Assert.Equal(forKnown.Status, forUnknown.Status);
        Assert.Equal(
            PortalClient.WithoutTokens(forKnown.Html).Replace(known, "ADDRESS", StringComparison.Ordinal),
            PortalClient.WithoutTokens(forUnknown.Html).Replace(unknown, "ADDRESS", StringComparison.Ordinal));
        Assert.Equal(forKnown.SetCookies.Count, forUnknown.SetCookies.Count);

        await Mailbox.WaitForAsync(app, known);
        Assert.Equal(0, await Mailbox.CountAsync(app, unknown));
    }

    [Fact]
    public async Task A_bad_address_is_explained_and_an_unknown_business_is_404()
    {
        var business = await app.CreateBusinessAsync();
        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await client.GetAsync($"/test/login/{business.Id}");
        var page = await client.PostFormAsync($"/test/login/{business.Id}", Email("not-an-email"));
        Assert.Contains("Enter a valid e-mail address", page.Text, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", page.Html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/login/bus_doesnotexist00000000000")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/test/login/not-an-id")).Status);
    }

    [Fact]
    public async Task The_page_is_localised_from_accept_language()
    {
        var business = await app.CreateBusinessAsync("Loja");
        foreach (var (language, heading) in new[] { ("pt-BR,pt;q=0.9", "Entrar em Loja"), ("es-MX", "Inicia sesión en Loja"), ("it", "Accedi a Loja"), ("id-ID", "Masuk ke Loja"), ("fr-FR", "Sign in to Loja"), ("pt-PT", "Entrar em Loja") })
        {
            using var client = new PortalClient(app.BaseAddress, acceptLanguage: language);
            var page = await client.GetAsync($"/login/{business.Id}");
            Assert.Contains(heading, page.Text, StringComparison.Ordinal);
        }
    }
}
