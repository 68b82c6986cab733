using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Catalog;
using Clientele.Tests.Infrastructure;
using Dapper;
using static Clientele.Tests.LicenseKeys.LicenseTestData;

namespace Clientele.Tests.LicenseKeys;

public sealed class IssuanceTests(AppFixture app)
{
    [Fact]
    public async Task A_paid_checkout_issues_one_key_per_unit_of_each_licensed_product_and_none_for_others()
    {
        var business = await app.CreateBusinessAsync();
        var licensed = await LicensedProductAsync(business.Test, limit: 2);
        var unlimited = await LicensedProductAsync(business.Test, limit: null);
        var plain = (await business.Test.PostJsonAsync("/products", ProductsApiTests.OneTime(700))).Str("product_id");

        var payment = await PayAsync(app, business.Test, (licensed, 3), (unlimited, 1), (plain, 2));

        var keys = await KeysOfPaymentAsync(business.Test, payment);
        Assert.Equal(4, keys.Count);
        Assert.Equal(3, keys.Count(k => k.Str("product_id") == licensed));
        Assert.DoesNotContain(keys, k => k.Str("product_id") == plain);
        Assert.Equal(4, keys.Select(k => k.Str("key")).Distinct().Count());
        foreach (var key in keys)
        {
            Assert.Matches(IssuedKeyPattern, key.Str("key"));
            Assert.StartsWith("lic_", key.Str("id"), StringComparison.Ordinal);
            Assert.Equal("auto", key.Str("source"));
            Assert.Equal("active", key.Str("status"));
            Assert.Equal(0, key["instances_count"]!.GetValue<int>());
            Assert.Null(key["expires_at"]);
            Assert.Null(key["subscription_id"]);
            Assert.Equal(business.Id, key.Str("business_id"));
            Assert.Equal(payment["customer"]!.Str("customer_id"), key.Str("customer_id"));
        }
        Assert.All(keys.Where(k => k.Str("product_id") == licensed), k => Assert.Equal(2, k["activations_limit"]!.GetValue<int>()));
        Assert.Null(keys.Single(k => k.Str("product_id") == unlimited)["activations_limit"]);
    }

    [Fact]
    public async Task A_payment_without_licensed_products_issues_no_keys()
    {
        var business = await app.CreateBusinessAsync();
        var plain = (await business.Test.PostJsonAsync("/products", ProductsApiTests.OneTime(900))).Str("product_id");
        var payment = await PayAsync(app, business.Test, (plain, 5));

        Assert.Equal("succeeded", payment.Str("status"));
        Assert.Empty((await business.Test.GetJsonAsync("/license_keys"))["items"]!.AsArray());
        await using var connection = Database();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM license_keys WHERE business_id = @id", new { id = business.Id }));
    }

    [Fact]
    public async Task Each_issued_key_has_its_license_key_created_event_in_the_outbox()
    {
        var business = await app.CreateBusinessAsync();
        var product = await LicensedProductAsync(business.Test);
        var payment = await PayAsync(app, business.Test, (product, 2));
        var keys = await KeysOfPaymentAsync(business.Test, payment);

        await using var connection = Database();
        var events = (await connection.QueryAsync<string>(
            "SELECT payload FROM webhook_events WHERE business_id = @id AND mode = 'test' AND type = 'license_key.created' ORDER BY created_at",
            new { id = business.Id })).Select(p => JsonNode.Parse(p)!).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(keys.Select(k => k.Str("id")).Order(), events.Select(e => e["data"]!.Str("id")).Order());
        foreach (var envelope in events)
        {
            var data = envelope["data"]!;
            Assert.Equal("license_key.created", envelope.Str("type"));
            Assert.Equal(business.Id, envelope.Str("business_id"));
            Assert.Equal("LicenseKey", data.Str("payload_type"));
            Assert.Equal(payment.Str("payment_id"), data.Str("payment_id"));
            Assert.Equal(keys.Single(k => k.Str("id") == data.Str("id")).Str("key"), data.Str("key"));
            Assert.Equal("active", data.Str("status"));
        }
    }

    [Fact]
    public async Task Issuing_again_for_the_same_payment_makes_no_extra_keys_or_events()
    {
        var business = await app.CreateBusinessAsync();
        var product = await LicensedProductAsync(business.Test);
        var payment = await PayAsync(app, business.Test, (product, 3));
        var paymentId = payment.Str("payment_id");

        var again = await InTransactionAsync(app, (issuer, connection, transaction) =>
            issuer.IssueForPaymentAsync(connection, transaction, TestTenant(business), paymentId, null, TestContext.Current.CancellationToken));

        Assert.Empty(again);
        await using var connection = Database();
        Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM license_keys WHERE payment_id = @paymentId", new { paymentId }));
        Assert.Equal(3, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM webhook_events WHERE business_id = @id AND type = 'license_key.created'", new { id = business.Id }));
        // The database itself refuses a second key for a unit.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => connection.ExecuteAsync("""
            INSERT INTO license_keys (id, business_id, mode, customer_id, product_id, payment_id, unit_index, key, key_hash, source, created_at, updated_at)
            SELECT 'lic_dup', business_id, mode, customer_id, product_id, payment_id, unit_index, 'DUP', sha256('DUP'), 'auto', now(), now()
            FROM license_keys WHERE payment_id = @paymentId LIMIT 1
            """, new { paymentId }));
    }

    [Fact]
    public async Task Issuing_for_a_payment_of_another_tenant_or_not_succeeded_is_refused()
    {
        var business = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var product = await LicensedProductAsync(business.Test);
        var payment = await PayAsync(app, business.Test, (product, 1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => InTransactionAsync(app, (issuer, connection, transaction) =>
            issuer.IssueForPaymentAsync(connection, transaction, TestTenant(stranger), payment.Str("payment_id"), null, TestContext.Current.CancellationToken)));
        await using var connection = Database();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM license_keys WHERE business_id = @id", new { id = stranger.Id }));
    }

    [Fact]
    public async Task A_full_refund_disables_the_payments_keys_and_a_partial_one_does_not()
    {
        var business = await app.CreateBusinessAsync();
        var product = await LicensedProductAsync(business.Test);
        var payment = await PayAsync(app, business.Test, (product, 2));
        var paymentId = payment.Str("payment_id");
        var other = await PayAsync(app, business.Test, (product, 1));

        await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId, items = new[] { new { item_id = product, amount = 1000 } } });
        Assert.All(await KeysOfPaymentAsync(business.Test, payment), k => Assert.Equal("active", k.Str("status")));

        await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId });
        var keys = await KeysOfPaymentAsync(business.Test, payment);
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Equal("disabled", k.Str("status")));
        Assert.All(await KeysOfPaymentAsync(business.Test, other), k => Assert.Equal("active", k.Str("status")));

        using var client = PublicClient(app);
        await client.PostJsonAsync("/licenses/activate", new { license_key = keys[0].Str("key"), name = "after refund" }, HttpStatusCode.Forbidden);
        Assert.False((await client.PostJsonAsync("/licenses/validate", new { license_key = keys[0].Str("key") }))["valid"]!.GetValue<bool>());

        // The merchant may still switch a refunded key back on.
        var enabled = await business.Test.PatchJsonAsync($"/license_keys/{keys[0].Str("id")}", new { disabled = false });
        Assert.Equal("active", enabled.Str("status"));
    }
}
