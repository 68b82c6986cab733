using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>The webhook pages over HTTP: the API's rules and messages, one endpoint per form, rotation once, Resend as a new delivery of the same event.</summary>
public sealed partial class WebhooksPageTests(AppFixture app)
{
    private const string Page = "/dashboard/settings/webhooks";

    [Fact]
    public async Task A_private_target_is_refused_in_live_mode_with_the_apis_own_message_and_nothing_is_saved()
    {
        var business = await app.CreateBusinessAsync("Private Target Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        await client.GetAsync("/dashboard/customers");
        await client.PostFormAsync("/dashboard/switch?handler=Mode", new Dictionary<string, string> { ["mode"] = "live", ["returnUrl"] = Page });

        const string target = "https://10.20.30.40/hooks";
        using var api = await business.Live.PostAsync("/webhooks", Json.Content(new { url = target }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, api.StatusCode);
        var apiMessage = JsonNode.Parse(await api.Content.ReadAsStringAsync())!.Str("message");
        Assert.StartsWith("url: ", apiMessage, StringComparison.Ordinal);

        await client.GetAsync(Page);
        var refused = await client.PostFormAsync($"{Page}?handler=Create", new Dictionary<string, string> { ["TargetUrl"] = target, ["IdempotencyKey"] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains($"id=\"hook-url-error\" class=\"error\">This address cannot receive webhooks: {apiMessage["url: ".Length..]}", refused.Text, StringComparison.Ordinal);

        var plainHttp = await client.PostFormAsync($"{Page}?handler=Create", new Dictionary<string, string> { ["TargetUrl"] = "http://example.com/hooks" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, plainHttp.Status);
        Assert.Contains("id=\"hook-url-error\" class=\"error\">Enter an absolute https address", plainHttp.Text, StringComparison.Ordinal);
        Assert.Equal(0L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints WHERE business_id = @id", new { id = business.Id }));
    }

    [Fact]
    public async Task An_endpoint_is_added_once_per_form_disabled_rotated_once_and_a_delivery_resent_as_a_new_delivery_of_the_same_event()
    {
        var business = await app.CreateBusinessAsync("Hooks Page Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Admin);
        using var _client = client;

        await client.GetAsync(Page);
        var form = new Dictionary<string, string>
        {
            ["TargetUrl"] = "https://hooks.example.com/clientele",
            ["Description"] = "Billing service",
            ["FilterTypes"] = "payment.succeeded",
            ["IdempotencyKey"] = "dashboard-" + Guid.NewGuid().ToString("N"),
        };
        var created = await client.PostFormAsync($"{Page}?handler=Create", form);
        Assert.Equal(HttpStatusCode.Redirect, created.Status);
        var again = await client.PostFormAsync($"{Page}?handler=Create", form);
        Assert.Equal(created.Location, again.Location);
        var endpoint = await SettingsTestData.ScalarAsync<string>("SELECT id FROM webhook_endpoints WHERE business_id = @id", new { id = business.Id });
        Assert.Equal(1L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints WHERE business_id = @id", new { id = business.Id }));
        // The API sees what the page saved.
        var details = await business.Test.GetJsonAsync($"/webhooks/{endpoint}");
        Assert.Equal("Billing service", details.Str("description"));
        Assert.Equal("payment.succeeded", details["filter_types"]![0]!.GetValue<string>());

        var detail = await client.GetAsync(created.Location!);
        Assert.Contains("Endpoint added.", detail.Text, StringComparison.Ordinal);
        Assert.Contains("No deliveries yet.", detail.Text, StringComparison.Ordinal);

        // An event: one delivery, in the log with its event type.
        var eventId = await SettingsTestData.EmitAsync(app, business.Id);
        var original = await SettingsTestData.ScalarAsync<string>("SELECT id FROM webhook_deliveries WHERE event_id = @eventId", new { eventId });
        detail = await client.GetAsync($"{Page}/{endpoint}");
        Assert.Contains(eventId, detail.Html, StringComparison.Ordinal);
        Assert.Contains("payment.succeeded", detail.Html, StringComparison.Ordinal);

        // Resend, sent twice with the same key: one new delivery of the same event.
        var resend = new Dictionary<string, string> { ["deliveryId"] = original, ["resendKey"] = Guid.NewGuid().ToString("N") };
        var resent = await client.PostFormAsync($"{Page}/{endpoint}?handler=Resend", resend);
        Assert.Equal(HttpStatusCode.Redirect, resent.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync($"{Page}/{endpoint}?handler=Resend", resend)).Status);
        var deliveries = await SettingsTestData.QueryAsync<(string Id, string EndpointId, string Status, string? ResendOf)>(
            "SELECT id, endpoint_id, status, resend_of FROM webhook_deliveries WHERE event_id = @eventId ORDER BY seq", new { eventId });
        Assert.Equal(2, deliveries.Count);
        Assert.Equal((endpoint, "pending", original), (deliveries[1].EndpointId, deliveries[1].Status, deliveries[1].ResendOf));
        Assert.Contains("Resend queued", (await client.GetAsync(resent.Location!)).Text, StringComparison.Ordinal);

        // Rotate: confirmation, the new secret once, and the same form again rotates nothing.
        var confirm = await client.GetAsync($"{Page}/{endpoint}?confirm=rotate");
        var version = Regex.Match(confirm.Html, "name=\"version\" value=\"(\\d+)\"").Groups[1].Value;
        var rotated = await client.PostFormAsync($"{Page}/{endpoint}?handler=Rotate", new Dictionary<string, string> { ["version"] = version });
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var secret = WebUtility.HtmlDecode(Regex.Match(rotated.Html, "<code id=\"new-webhook-secret\" class=\"secret\">(whsec_[^<]+)</code>").Groups[1].Value);
        Assert.Equal(secret, (await business.Test.GetJsonAsync($"/webhooks/{endpoint}/secret")).Str("secret"));
        var twice = await client.PostFormAsync($"{Page}/{endpoint}?handler=Rotate", new Dictionary<string, string> { ["version"] = version });
        Assert.Equal(HttpStatusCode.Redirect, twice.Status);
        Assert.Equal(secret, (await business.Test.GetJsonAsync($"/webhooks/{endpoint}/secret")).Str("secret"));

        // Disable and enable.
        await client.GetAsync($"{Page}/{endpoint}");
        var disabled = await client.PostFormAsync($"{Page}/{endpoint}?handler=Toggle", new Dictionary<string, string> { ["disable"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, disabled.Status);
        Assert.True((await business.Test.GetJsonAsync($"/webhooks/{endpoint}"))["disabled"]!.GetValue<bool>());
        await client.PostFormAsync($"{Page}/{endpoint}?handler=Toggle", new Dictionary<string, string> { ["disable"] = "false" });
        Assert.False((await business.Test.GetJsonAsync($"/webhooks/{endpoint}"))["disabled"]!.GetValue<bool>());
    }
}
