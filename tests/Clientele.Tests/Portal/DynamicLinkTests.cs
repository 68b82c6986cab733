using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Portal;

/// <summary><c>POST /customers/{id}/customer-portal/session</c> and the "Share invite" extensions.</summary>
public sealed class DynamicLinkTests(AppFixture app)
{
    [Fact]
    public async Task A_dynamic_link_opens_the_portal_without_an_email_step()
    {
        var business = await app.CreateBusinessAsync("Dyn Co");
        var customer = await PortalTestData.CreateCustomerAsync(business.Test, name: "Grace Hopper");
        var response = await business.Test.PostJsonAsync($"/customers/{customer.Str("customer_id")}/customer-portal/session", "");
        var link = response.Str("link");
        Assert.Equal(["link"], response.AsObject().Select(p => p.Key));
        Assert.StartsWith(app.BaseAddress + "test/link/", link, StringComparison.Ordinal);
        Assert.Matches("/link/[A-Za-z0-9_-]{43}$", link);

        using var client = new PortalClient(app.BaseAddress);
        var redeemed = await PortalTestData.RedeemAsync(client, Mailbox.PathOf(link));
        Assert.Equal(HttpStatusCode.Redirect, redeemed.Status);
        Assert.Equal("/test/session/overview", redeemed.Location);

        var overview = await client.GetAsync("/test/session/overview");
        Assert.Equal(HttpStatusCode.OK, overview.Status);
        Assert.Contains("Grace Hopper", overview.Text, StringComparison.Ordinal);
        Assert.Contains("Dyn Co", overview.Text, StringComparison.Ordinal);
        Assert.Contains("Test mode", overview.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_keys_make_live_links_on_the_live_base()
    {
        var business = await app.CreateBusinessAsync();
        var customer = await PortalTestData.CreateCustomerAsync(business.Live);
        var path = await PortalTestData.DynamicLinkPathAsync(business.Live, customer.Str("customer_id"));
        Assert.StartsWith("/link/", path, StringComparison.Ordinal);

        using var client = new PortalClient(app.BaseAddress);
        Assert.Equal("/session/overview", (await PortalTestData.RedeemAsync(client, path)).Location);
        var overview = await client.GetAsync("/session/overview");
        Assert.DoesNotContain("test-banner", overview.Html, StringComparison.Ordinal);
        // A live link means nothing on the test base (and the other way round).
        using var other = new PortalClient(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Gone, (await other.GetAsync("/test" + path)).Status);
    }

    [Fact]
    public async Task Only_the_hash_of_the_token_is_stored()
    {
        var business = await app.CreateBusinessAsync();
        var customer = await PortalTestData.CreateCustomerAsync(business.Test);
        var path = await PortalTestData.DynamicLinkPathAsync(business.Test, customer.Str("customer_id"));
        var token = path[(path.LastIndexOf('/') + 1)..];

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var hashes = (await connection.QueryAsync<byte[]>("SELECT token_hash FROM portal_links WHERE customer_id = @id", new { id = customer.Str("customer_id") })).ToList();
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)), Assert.Single(hashes));
        var text = await connection.ExecuteScalarAsync<string>("SELECT string_agg(t::text, ' ') FROM portal_links t WHERE customer_id = @id", new { id = customer.Str("customer_id") });
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Return_url_is_validated_and_shown_as_back_to_the_business()
    {
        var business = await app.CreateBusinessAsync("Back Co");
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        foreach (var bad in new[] { "ftp://example.com", "http://example.com/account", "/relative", "javascript:alert(1)", "https://user:pw@example.com/" })
        {
            var error = await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session?return_url={Uri.EscapeDataString(bad)}", "", HttpStatusCode.UnprocessableEntity);
            Assert.StartsWith("return_url:", error.Str("message"), StringComparison.Ordinal);
        }
        await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session?send_email=maybe", "", HttpStatusCode.UnprocessableEntity);
        await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session?return_url={Uri.EscapeDataString("http://localhost:3000/done")}", "");

        var path = await PortalTestData.DynamicLinkPathAsync(business.Test, id, "?return_url=" + Uri.EscapeDataString("https://back.example.com/account?x=1"));
        using var client = new PortalClient(app.BaseAddress);
        await PortalTestData.RedeemAsync(client, path);
        foreach (var page in new[] { "/test/session/overview", "/test/session/profile", "/test/session/billing" })
        {
            var html = (await client.GetAsync(page)).Html;
            Assert.Contains("href=\"https://back.example.com/account?x=1\"", html, StringComparison.Ordinal);
            Assert.Contains("Back to Back Co", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_other_business_and_other_mode_customers_are_404()
    {
        var owner = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var id = (await PortalTestData.CreateCustomerAsync(owner.Test)).Str("customer_id");

        foreach (var client in new[] { stranger.Test, owner.Live })
        {
            var error = await client.PostJsonAsync($"/customers/{id}/customer-portal/session", "", HttpStatusCode.NotFound);
            Assert.Equal("NOT_FOUND", error.Str("code"));
            await client.PostJsonAsync($"/customers/{id}/customer-portal/invite", "", HttpStatusCode.NotFound);
        }
        await owner.Test.PostJsonAsync("/customers/cus_nobody000000000000000000/customer-portal/session", "", HttpStatusCode.NotFound);
        using var anonymous = app.CreateAnonymousClient();
        await anonymous.PostJsonAsync($"/customers/{id}/customer-portal/session", "", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Send_email_mails_the_same_link_to_the_customer()
    {
        var business = await app.CreateBusinessAsync("Mail Co");
        var email = PortalTestData.UniqueEmail();
        var id = (await PortalTestData.CreateCustomerAsync(business.Test, email, "Mae Jemison")).Str("customer_id");

        var link = (await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session?send_email=true", "")).Str("link");

        var mail = await Mailbox.WaitForAsync(app, email);
        Assert.Equal(link, Mailbox.LinkIn(mail));
        Assert.Equal("Your sign-in link for Mail Co", mail.Subject);
        Assert.Contains("Hello Mae Jemison,", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("expires in 24 hours", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(link, mail.HtmlBody, StringComparison.Ordinal);
        // Without send_email nothing more is mailed (not even queued).
        await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session", "");
        var queued = await Mailbox.WaitUntilSettledAsync(email);
        Assert.Equal([mail.Id], queued.Select(m => m.Id));
        Assert.Equal("sent", queued[0].Status);
    }

    [Fact]
    public async Task Share_invite_gives_the_static_links_and_a_fresh_dynamic_link()
    {
        var business = await app.CreateBusinessAsync();
        var links = await business.Test.GetJsonAsync("/customer-portal/links");
        Assert.Equal(business.Id, links.Str("business_id"));
        Assert.Equal($"{app.BaseAddress}test/login/{business.Id}", links.Str("static_link_test"));
        Assert.Equal($"{app.BaseAddress}login/{business.Id}", links.Str("static_link_live"));

        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        var invite = await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/invite", "");
        Assert.Equal(id, invite.Str("customer_id"));
        Assert.Equal(links.Str("static_link_test"), invite.Str("static_link"));
        Assert.StartsWith($"{app.BaseAddress}test/link/", invite.Str("dynamic_link"), StringComparison.Ordinal);
        var expires = DateTime.Parse(invite.Str("dynamic_link_expires_at"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expires, DateTime.UtcNow.AddHours(23.9), DateTime.UtcNow.AddHours(24.1));

        using var client = new PortalClient(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalTestData.RedeemAsync(client, Mailbox.PathOf(invite.Str("dynamic_link")))).Status);
    }
}
