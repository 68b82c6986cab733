using System.Net;
using System.Text.Json.Nodes;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using static Clientele.Tests.LicenseKeys.LicenseTestData;

namespace Clientele.Tests.LicenseKeys;

/// <summary>The hooks the subscriptions engine calls inside its own transactions.</summary>
public sealed class SubscriptionLifecycleTests(AppFixture app)
{
    /// <summary>
    /// Two keys of a subscription (quantity 2 of a licensed plan with a duration), issued by the
    /// subscriptions engine when its first payment succeeded.
    /// </summary>
    private async Task<(TestBusiness Business, string SubscriptionId, List<JsonNode> Keys)> SubscriptionKeysAsync()
    {
        var business = await app.CreateBusinessAsync();
        var driver = new Subscriptions.SubscriptionDriver(app, business);
        var product = (await business.Test.PostJsonAsync("/products", new
        {
            name = "Licensed plan",
            tax_category = "saas",
            price = Subscriptions.SubscriptionDriver.RecurringPrice(1500),
            license_key_enabled = true,
            license_key_activations_limit = 2,
            license_key_duration = new { count = 1, interval = "Month" },
        })).Str("product_id");
        var subscriptionId = (await driver.SubscribeAsync(product, quantity: 2)).Str("subscription_id");
        var payment = (await business.Test.GetJsonAsync($"/payments?subscription_id={subscriptionId}"))["items"]![0]!;
        var keys = await KeysOfPaymentAsync(business.Test, payment);
        Assert.Equal(2, keys.Count);
        return (business, subscriptionId, keys);
    }

    private Task<int> DisableAsync(TestBusiness business, string subscriptionId) => InTransactionAsync(app, (issuer, connection, transaction) =>
        issuer.DisableForSubscriptionAsync(connection, transaction, TestTenant(business), subscriptionId, TestContext.Current.CancellationToken));

    private Task<int> EnableAsync(TestBusiness business, string subscriptionId) => InTransactionAsync(app, (issuer, connection, transaction) =>
        issuer.EnableForSubscriptionAsync(connection, transaction, TestTenant(business), subscriptionId, TestContext.Current.CancellationToken));

    [Fact]
    public async Task A_subscriptions_keys_carry_its_id_never_expire_by_date_and_are_issued_once()
    {
        var (business, subscriptionId, keys) = await SubscriptionKeysAsync();
        Assert.All(keys, k =>
        {
            Assert.Equal(subscriptionId, k.Str("subscription_id"));
            Assert.Null(k["expires_at"]);
            Assert.Equal("auto", k.Str("source"));
        });

        var paymentId = keys[0].Str("payment_id");
        var again = await InTransactionAsync(app, (issuer, connection, transaction) =>
            issuer.IssueForPaymentAsync(connection, transaction, TestTenant(business), paymentId, subscriptionId, TestContext.Current.CancellationToken));
        Assert.Empty(again);
    }

    [Fact]
    public async Task On_hold_disables_the_keys_and_reactivation_enables_them_again()
    {
        var (business, subscriptionId, keys) = await SubscriptionKeysAsync();
        using var client = PublicClient(app);

        Assert.Equal(2, await DisableAsync(business, subscriptionId));
        Assert.Equal(0, await DisableAsync(business, subscriptionId));
        Assert.All((await business.Test.GetJsonAsync($"/license_keys?status=disabled"))["items"]!.AsArray(), k => Assert.Equal(subscriptionId, k!.Str("subscription_id")));
        Assert.Equal(2, (await business.Test.GetJsonAsync($"/license_keys?status=disabled"))["items"]!.AsArray().Count);
        await client.PostJsonAsync("/licenses/activate", new { license_key = keys[0].Str("key"), name = "on hold" }, HttpStatusCode.Forbidden);

        Assert.Equal(2, await EnableAsync(business, subscriptionId));
        Assert.Equal("active", (await business.Test.GetJsonAsync($"/license_keys/{keys[0].Str("id")}")).Str("status"));
        await client.PostJsonAsync("/licenses/activate", new { license_key = keys[0].Str("key"), name = "active again" }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_key_the_merchant_disabled_stays_disabled_when_the_subscription_is_reactivated()
    {
        var (business, subscriptionId, keys) = await SubscriptionKeysAsync();
        var (mine, other) = (keys[0].Str("id"), keys[1].Str("id"));
        Assert.Equal("disabled", (await business.Test.PatchJsonAsync($"/license_keys/{mine}", new { disabled = true })).Str("status"));

        await DisableAsync(business, subscriptionId);
        await EnableAsync(business, subscriptionId);

        Assert.Equal("disabled", (await business.Test.GetJsonAsync($"/license_keys/{mine}")).Str("status"));
        Assert.Equal("active", (await business.Test.GetJsonAsync($"/license_keys/{other}")).Str("status"));
        Assert.Equal(0, await EnableAsync(business, subscriptionId));
        Assert.Equal("disabled", (await business.Test.GetJsonAsync($"/license_keys/{mine}")).Str("status"));
    }

    [Fact]
    public async Task Hooks_only_touch_their_own_tenant()
    {
        var (business, subscriptionId, keys) = await SubscriptionKeysAsync();
        var stranger = await app.CreateBusinessAsync();

        Assert.Equal(0, await DisableAsync(stranger, subscriptionId));
        Assert.Equal(0, await InTransactionAsync(app, (issuer, connection, transaction) =>
            issuer.DisableForSubscriptionAsync(connection, transaction, new Tenant(business.Id, Mode.Live), subscriptionId, TestContext.Current.CancellationToken)));
        Assert.Equal("active", (await business.Test.GetJsonAsync($"/license_keys/{keys[0].Str("id")}")).Str("status"));
    }

    [Fact]
    public async Task An_expiry_cannot_be_set_on_a_subscriptions_key()
    {
        var (business, _, keys) = await SubscriptionKeysAsync();
        var id = keys[0].Str("id");

        var error = await business.Test.PatchJsonAsync($"/license_keys/{id}", new { expires_at = DateTime.UtcNow.AddYears(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), activations_limit = 9 }, HttpStatusCode.BadRequest);
        Assert.Contains("expires_at:", error.Str("message"), StringComparison.Ordinal);
        var unchanged = await business.Test.GetJsonAsync($"/license_keys/{id}");
        Assert.Null(unchanged["expires_at"]);
        Assert.Equal(2, unchanged["activations_limit"]!.GetValue<int>());

        var cleared = await business.Test.PatchJsonAsync($"/license_keys/{id}", new { expires_at = (string?)null, activations_limit = 9 });
        Assert.Equal(9, cleared["activations_limit"]!.GetValue<int>());
    }
}
