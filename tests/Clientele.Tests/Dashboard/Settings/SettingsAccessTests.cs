using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>Settings are for owners and admins, checked on the server for every page and action; other businesses' endpoints do not exist.</summary>
public sealed class SettingsAccessTests(AppFixture app)
{
    [Theory]
    [InlineData(DashboardRole.Support)]
    [InlineData(DashboardRole.Viewer)]
    public async Task Support_and_viewers_get_403_on_every_settings_page_and_action(DashboardRole role)
    {
        var business = await app.CreateBusinessAsync("Locked Settings Co");
        var endpoint = (await business.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/hooks" })).Str("id");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, role);
        using var _client = client;

        foreach (var path in new[] { "/dashboard/settings/branding", "/dashboard/settings/subscriptions", "/dashboard/settings/api-keys",
                     "/dashboard/settings/webhooks", $"/dashboard/settings/webhooks/{endpoint}" })
        {
            var page = await client.GetAsync(path);
            Assert.True(page.Status == HttpStatusCode.Forbidden, $"{path}: {page.Status}");
            Assert.Contains("You do not have access to this", page.Text, StringComparison.Ordinal);
        }

        // The navigation offers none of them.
        var customers = await client.GetAsync("/dashboard/customers");
        Assert.DoesNotContain("/dashboard/settings/", customers.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Settings<", customers.Html, StringComparison.Ordinal);

        // Every form, sent with a valid antiforgery token from a page they may see.
        var posts = new (string Path, Dictionary<string, string> Fields)[]
        {
            ("/dashboard/settings/branding", SettingsTestData.BrandingFields("Hijacked Co")),
            ("/dashboard/settings/subscriptions", new() { ["AllowPlanChanges"] = "true", ["PortalProrationMode"] = "do_not_bill" }),
            ("/dashboard/settings/api-keys?handler=Create", new() { ["Name"] = "sneaky", ["KeyMode"] = "live", ["CreationKey"] = Guid.NewGuid().ToString() }),
            ("/dashboard/settings/api-keys?handler=Revoke", new() { ["keyId"] = business.TestKey.Info.Id }),
            ("/dashboard/settings/webhooks?handler=Create", new() { ["TargetUrl"] = "https://attacker.example.com/hook" }),
            ($"/dashboard/settings/webhooks/{endpoint}?handler=Toggle", new() { ["disable"] = "true" }),
            ($"/dashboard/settings/webhooks/{endpoint}?handler=Rotate", new() { ["version"] = "0" }),
            ($"/dashboard/settings/webhooks/{endpoint}?handler=Resend", new() { ["deliveryId"] = "whd_x", ["resendKey"] = "k" }),
        };
        foreach (var (path, fields) in posts)
        {
            var answer = await client.PostFormAsync(path, fields);
            Assert.True(answer.Status == HttpStatusCode.Forbidden, $"POST {path}: {answer.Status}");
        }

        // Nothing changed.
        Assert.Equal("Locked Settings Co", await SettingsTestData.ScalarAsync<string>("SELECT name FROM businesses WHERE id = @id", new { id = business.Id }));
        Assert.Equal(2L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE business_id = @id AND revoked_at IS NULL", new { id = business.Id }));
        Assert.Equal(1L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints WHERE business_id = @id AND NOT disabled", new { id = business.Id }));
        Assert.Equal(HttpStatusCode.OK, (await business.Test.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task Another_business_or_the_other_modes_webhook_endpoint_is_404_for_every_action()
    {
        var mine = await app.CreateBusinessAsync("Own Hooks Co");
        var theirs = await app.CreateBusinessAsync("Their Hooks Co");
        var theirEndpoint = (await theirs.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/theirs" })).Str("id");
        var myLiveEndpoint = (await mine.Live.PostJsonAsync("/webhooks", new { url = "https://example.com/live" })).Str("id");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, mine.Id, DashboardRole.Owner);
        using var _client = client;

        foreach (var endpoint in new[] { theirEndpoint, myLiveEndpoint, "whk_doesnotexist" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/dashboard/settings/webhooks/{endpoint}")).Status);
            await client.GetAsync("/dashboard/settings/webhooks");
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync($"/dashboard/settings/webhooks/{endpoint}?handler=Toggle", new Dictionary<string, string> { ["disable"] = "true" })).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync($"/dashboard/settings/webhooks/{endpoint}?handler=Rotate", new Dictionary<string, string> { ["version"] = "0" })).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync($"/dashboard/settings/webhooks/{endpoint}?handler=Resend", new Dictionary<string, string> { ["deliveryId"] = "whd_x", ["resendKey"] = "k" })).Status);
        }
        Assert.Equal(0L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints WHERE id = ANY (@ids) AND (disabled OR previous_secret_protected IS NOT NULL)",
            new { ids = new[] { theirEndpoint, myLiveEndpoint } }));

        // Nor can another business's API key be revoked from here.
        await client.GetAsync("/dashboard/settings/api-keys");
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostFormAsync("/dashboard/settings/api-keys?handler=Revoke", new Dictionary<string, string> { ["keyId"] = theirs.TestKey.Info.Id })).Status);
        Assert.Equal(HttpStatusCode.OK, (await theirs.Test.GetAsync("/customers")).StatusCode);
    }
}
