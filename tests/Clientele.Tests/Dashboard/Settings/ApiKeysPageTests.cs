using System.Net;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>The API keys page over HTTP, against the real API: the secret shown once works, its use is recorded, revoked is 401.</summary>
public sealed partial class ApiKeysPageTests(AppFixture app)
{
    private const string Page = "/dashboard/settings/api-keys";

    [Fact]
    public async Task A_key_created_on_the_page_works_records_its_last_use_once_a_minute_and_once_revoked_gets_401()
    {
        var business = await app.CreateBusinessAsync("Keys Page Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Admin);
        using var _client = client;

        await client.GetAsync(Page);
        var creationKey = Guid.NewGuid().ToString("N");
        var fields = new Dictionary<string, string> { ["Name"] = "Production server", ["KeyMode"] = "live", ["CreationKey"] = creationKey };
        var created = await client.PostFormAsync($"{Page}?handler=Create", fields);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var secret = SecretPattern().Match(created.Html).Groups[1].Value;
        Assert.StartsWith("ck_live_", secret, StringComparison.Ordinal);
        Assert.Contains("Key “Production server” created", created.Text, StringComparison.Ordinal);
        Assert.Contains("data-copy=\"new-api-key\"", created.Html, StringComparison.Ordinal);

        // The same form again (a double click, a reload) makes no second key and shows no secret.
        var again = await client.PostFormAsync($"{Page}?handler=Create", fields);
        Assert.DoesNotMatch(SecretPattern(), again.Html);
        Assert.Contains("This form was already sent", again.Text, StringComparison.Ordinal);
        var keyId = await SettingsTestData.ScalarAsync<string>("SELECT id FROM api_keys WHERE business_id = @id AND name = 'Production server'", new { id = business.Id });
        Assert.Equal(1L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE business_id = @id AND name = 'Production server'", new { id = business.Id }));
        Assert.Null(await SettingsTestData.ScalarAsync<DateTime?>("SELECT last_used_at FROM api_keys WHERE id = @keyId", new { keyId }));
        // The list never shows a secret again.
        var list = await client.GetAsync(Page);
        Assert.DoesNotContain(secret, list.Html, StringComparison.Ordinal);
        Assert.Contains("Production server", list.Text, StringComparison.Ordinal);

        // It works against the API, in its mode, and its use is recorded (at most once a minute).
        using var api = app.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/customers")).StatusCode);
        var firstUse = await SettingsTestData.ScalarAsync<DateTime?>("SELECT last_used_at FROM api_keys WHERE id = @keyId", new { keyId });
        Assert.NotNull(firstUse);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/customers")).StatusCode);
        Assert.Equal(firstUse, await SettingsTestData.ScalarAsync<DateTime?>("SELECT last_used_at FROM api_keys WHERE id = @keyId", new { keyId }));
        Assert.DoesNotContain("Never", SettingsRow(await client.GetAsync(Page), "Production server"), StringComparison.Ordinal);

        // Revoke: a confirmation first, then the key is refused.
        var confirm = await client.GetAsync($"{Page}?revoke={keyId}");
        Assert.Contains("Revoke the key “Production server”?", confirm.Text, StringComparison.Ordinal);
        var revoked = await client.PostFormAsync($"{Page}?handler=Revoke", new Dictionary<string, string> { ["keyId"] = keyId });
        Assert.Equal(HttpStatusCode.Redirect, revoked.Status);
        Assert.Contains("Key revoked.", (await client.GetAsync(revoked.Location!)).Text, StringComparison.Ordinal);
        using var refused = await api.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // The other keys still work.
        Assert.Equal(HttpStatusCode.OK, (await business.Live.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task A_key_needs_a_name()
    {
        var business = await app.CreateBusinessAsync("Nameless Keys Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        await client.GetAsync(Page);
        var refused = await client.PostFormAsync($"{Page}?handler=Create", new Dictionary<string, string> { ["Name"] = "  ", ["KeyMode"] = "test", ["CreationKey"] = "k1" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("id=\"key-name-error\" class=\"error\">Enter a name of 1 to 100 characters.", refused.Text, StringComparison.Ordinal);
        Assert.Equal(2L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE business_id = @id", new { id = business.Id }));
    }

    private static string SettingsRow(Page page, string name) =>
        Regex.Match(page.Text, $"<th scope=\"row\">{Regex.Escape(name)}</th>.*?</tr>", RegexOptions.Singleline).Value;

    [GeneratedRegex("<code id=\"new-api-key\" class=\"secret\">(ck_(?:test|live)_[0-9A-Za-z]{43})</code>")]
    private static partial Regex SecretPattern();
}
