using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.LicenseKeys;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>The license keys tab: the customer's keys, disable/enable, activation limit, deactivate — the API's operations, EditData only.</summary>
public sealed class KeysTabTests(AppFixture app)
{
    [Fact]
    public async Task Admin_disables_enables_changes_the_limit_and_deactivates_an_activation()
    {
        var business = await app.CreateBusinessAsync("Keys Tab Co");
        var (key, created) = await LicenseTestData.ImportedKeyAsync(business.Test, limit: 3);
        var keyId = created.Str("id");
        var customer = created.Str("customer_id");
        using var anonymous = LicenseTestData.PublicClient(app);
        var activation = await anonymous.PostJsonAsync("/licenses/activate", new { license_key = key, name = "Laptop" }, HttpStatusCode.Created);
        await anonymous.PostJsonAsync("/licenses/activate", new { license_key = key, name = "Desktop" }, HttpStatusCode.Created);
        var (admin, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Admin);
        var url = $"/dashboard/customers/{customer}/license-keys";

        var list = await admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(keyId, list.Html);
        Assert.Contains("2 of 3", list.Text);
        Assert.DoesNotContain(key, list.Html);

        // Disabling asks first (a GET shows the question), then one POST does it.
        var confirm = await admin.GetAsync($"{url}?key={keyId}&confirm=disable");
        Assert.Contains("Yes, disable key", confirm.Text);
        var disabled = await admin.PostFormAsync($"{url}?handler=Disable&key={keyId}");
        Assert.Equal(HttpStatusCode.Redirect, disabled.Status);
        Assert.Equal("disabled", (await business.Test.GetJsonAsync($"/license_keys/{keyId}")).Str("status"));
        await admin.GetAsync($"{url}?key={keyId}");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"{url}?handler=Enable&key={keyId}")).Status);
        Assert.Equal("active", (await business.Test.GetJsonAsync($"/license_keys/{keyId}")).Str("status"));

        // A limit below the activations is refused next to the field; a valid one and "none" are saved.
        await admin.GetAsync($"{url}?key={keyId}");
        var below = await admin.PostFormAsync($"{url}?handler=Limit&key={keyId}", new Dictionary<string, string> { ["Limit"] = "1" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, below.Status);
        Assert.Contains("id=\"lk-limit-error\"", below.Html);
        Assert.Contains("The key has 2 activations now", below.Text);
        var bad = await admin.PostFormAsync($"{url}?handler=Limit&key={keyId}", new Dictionary<string, string> { ["Limit"] = "-4" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"{url}?handler=Limit&key={keyId}", new Dictionary<string, string> { ["Limit"] = "5" })).Status);
        Assert.Equal(5, (await business.Test.GetJsonAsync($"/license_keys/{keyId}"))["activations_limit"]!.GetValue<int>());
        await admin.GetAsync($"{url}?key={keyId}");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"{url}?handler=Limit&key={keyId}", new Dictionary<string, string> { ["Limit"] = "" })).Status);
        Assert.Null((await business.Test.GetJsonAsync($"/license_keys/{keyId}"))["activations_limit"]);

        // Deactivating an activation asks first, then frees its seat.
        var instance = activation.Str("id");
        var open = await admin.GetAsync($"{url}?key={keyId}&confirm={instance}");
        Assert.Contains("Deactivate Laptop?", open.Text);
        var deactivated = await admin.PostFormAsync($"{url}?handler=Deactivate&key={keyId}", new Dictionary<string, string> { ["activation"] = instance });
        Assert.Equal(HttpStatusCode.Redirect, deactivated.Status);
        Assert.Equal(1, (await business.Test.GetJsonAsync($"/license_keys/{keyId}"))["instances_count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostFormAsync($"{url}?handler=Deactivate&key={keyId}", new Dictionary<string, string> { ["activation"] = instance })).Status);
    }

    [Fact]
    public async Task Support_and_viewer_cannot_change_keys_and_another_business_key_is_404()
    {
        var business = await app.CreateBusinessAsync("Keys Roles Co");
        var (_, created) = await LicenseTestData.ImportedKeyAsync(business.Test, limit: 3);
        var keyId = created.Str("id");
        var customer = created.Str("customer_id");
        var url = $"/dashboard/customers/{customer}/license-keys";
        foreach (var role in new[] { DashboardRole.Support, DashboardRole.Viewer })
        {
            var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, role);
            var page = await client.GetAsync($"{url}?key={keyId}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.DoesNotContain("handler=Disable", page.Html);
            foreach (var handler in new[] { "Disable", "Enable", "Limit", "Deactivate" })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await client.PostFormAsync($"{url}?handler={handler}&key={keyId}")).Status);
            }
        }
        Assert.Equal("active", (await business.Test.GetJsonAsync($"/license_keys/{keyId}")).Str("status"));

        // Another business's key, even named under this business's own customer, is not found.
        var other = await app.CreateBusinessAsync("Keys Other Co");
        var (_, foreign) = await LicenseTestData.ImportedKeyAsync(other.Test, limit: 3);
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        await owner.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostFormAsync($"{url}?handler=Disable&key={foreign.Str("id")}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"{url}?key={foreign.Str("id")}")).Status);
        Assert.Equal("active", (await other.Test.GetJsonAsync($"/license_keys/{foreign.Str("id")}")).Str("status"));
    }
}
