using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Subscriptions;

/// <summary>The /subscriptions API: creation paths, every bad input, filters, on-demand charges, tenant and mode isolation.</summary>
public sealed class SubscriptionsApiTests(AppFixture app)
{
    [Fact]
    public async Task A_payment_link_subscription_is_pending_until_paid_then_active_with_its_first_invoice()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var product = await driver.ProductAsync(1999);
        var created = await driver.Api.PostJsonAsync("/subscriptions", new
        {
            product_id = product,
            quantity = 3,
            customer = new { email = "link@example.com", name = "Lin K" },
            billing = new { country = "DE", city = "Berlin" },
            payment_link = true,
            metadata = new { plan = "team" },
        });
        var id = created.Str("subscription_id");
        Assert.StartsWith("sub_", id, StringComparison.Ordinal);
        Assert.Equal(5997, created["recurring_pre_tax_amount"]!.GetValue<long>());
        Assert.Equal("team", created["metadata"]!["plan"]!.GetValue<string>());
        Assert.Empty(created["addons"]!.AsArray());
        Assert.NotNull(created["expires_on"]);
        var pending = await driver.GetAsync(id);
        Assert.Equal(("pending", 3), (pending.Str("status"), pending["quantity"]!.GetValue<int>()));
        Assert.Equal("requires_payment_method", (await driver.Api.GetJsonAsync($"/payments/{created.Str("payment_id")}")).Str("status"));

        var paid = await driver.Checkout.PaySuccessfullyAsync(new Uri(created.Str("payment_link")).AbsolutePath);
        Assert.Equal((created.Str("payment_id"), 5997L, id), (paid.Str("payment_id"), paid["total_amount"]!.GetValue<long>(), paid.Str("subscription_id")));
        Assert.NotNull(paid["invoice_id"]);
        var active = await driver.GetAsync(id);
        Assert.Equal("active", active.Str("status"));
        Assert.Equal(paid.Str("payment_method_id"), active.Str("payment_method_id"));
        Assert.Equal("DE", active["billing"]!.Str("country"));
        Assert.Equal(["payment.succeeded", "subscription.active"], (await driver.EventsAsync()).Where(e => e is "payment.succeeded" or "subscription.active"));
        var byPayment = await driver.Api.GetJsonAsync($"/payments?subscription_id={id}");
        Assert.Single(byPayment["items"]!.AsArray());
    }

    [Fact]
    public async Task A_saved_payment_method_starts_the_subscription_at_once_and_on_demand_charges_use_it()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var first = await driver.SubscribeAsync(await driver.ProductAsync(1000));
        var customerId = first["customer"]!["customer_id"]!.GetValue<string>();
        var second = await driver.Api.PostJsonAsync("/subscriptions", new
        {
            product_id = await driver.ProductAsync(2500, "Add-on plan"),
            quantity = 1,
            customer = new { customer_id = customerId },
            billing = new { country = "US" },
            payment_method_id = first.Str("payment_method_id"),
        });
        Assert.Null(second["payment_link"]);
        var subscription = await driver.GetAsync(second.Str("subscription_id"));
        Assert.Equal("active", subscription.Str("status"));
        Assert.Equal("succeeded", (await driver.Api.GetJsonAsync($"/payments/{second.Str("payment_id")}")).Str("status"));

        var charge = await driver.Api.PostJsonAsync($"/subscriptions/{second.Str("subscription_id")}/charge", new { product_price = 450, product_description = "Extra seats", metadata = new { reason = "overage" } });
        var payment = await driver.Api.GetJsonAsync($"/payments/{charge.Str("payment_id")}");
        Assert.Equal(("succeeded", 450L, "overage"), (payment.Str("status"), payment["total_amount"]!.GetValue<long>(), payment["metadata"]!["reason"]!.GetValue<string>()));
        var lines = await driver.Api.GetJsonAsync($"/payments/{charge.Str("payment_id")}/line-items");
        Assert.Equal("Extra seats", lines["items"]![0]!.Str("name"));

        var filtered = await driver.Api.GetJsonAsync($"/subscriptions?customer_id={customerId}&status=active");
        Assert.Equal(2, filtered["items"]!.AsArray().Count);
        Assert.Empty((await driver.Api.GetJsonAsync($"/subscriptions?customer_id={customerId}&status=paused"))["items"]!.AsArray());
        Assert.Empty((await driver.Api.GetJsonAsync("/subscriptions?page_number=5"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Every_bad_create_input_is_a_422_naming_the_field_and_writes_nothing()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var product = await driver.ProductAsync(1000);
        var oneTime = await driver.Checkout.ProductAsync(1000);
        var other = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var foreignProduct = await other.ProductAsync(1000);
        var valid = new Dictionary<string, object?>
        {
            ["product_id"] = product,
            ["quantity"] = 1,
            ["customer"] = new { email = "valid@example.com" },
            ["billing"] = new { country = "US" },
        };
        var cases = new (string Field, object? Value, string Expect)[]
        {
            ("product_id", null, "product_id"),
            ("product_id", oneTime, "product_id"),
            ("product_id", foreignProduct, "product_id"),
            ("quantity", 0, "quantity"),
            ("quantity", 10_001, "quantity"),
            ("customer", new { email = "not-an-email" }, "customer.email"),
            ("customer", new { customer_id = "cus_nobody" }, "customer.customer_id"),
            ("billing", new { country = "usa" }, "billing.country"),
            ("billing", null, "billing"),
            ("payment_method_id", "pm_whatever", "payment_method_id"),
            ("trial_period_days", -1, "trial_period_days"),
            ("return_url", "javascript:alert(1)", "return_url"),
            ("return_url", "http://evil.example/x", "return_url"),
            ("billing_currency", "EUR", "billing_currency"),
            ("discount_code", "SAVE10", "discount_code"),
            ("addons", new[] { new { addon_id = "adn_x", quantity = 1 } }, "addons"),
        };
        foreach (var (field, value, expect) in cases)
        {
            var body = new Dictionary<string, object?>(valid) { [field] = value };
            using var response = await driver.Api.PostAsync("/subscriptions", Json.Content(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{field}={value}: {(int)response.StatusCode} {text}");
            Assert.Contains(expect, JsonNode.Parse(text)!.Str("message"), StringComparison.Ordinal);
        }
        using (var malformed = await driver.Api.PostAsync("/subscriptions", Json.Content("{\"product_id\": ")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }
        Assert.Empty((await driver.Api.GetJsonAsync("/subscriptions"))["items"]!.AsArray());
        using var badFilter = await driver.Api.GetAsync("/subscriptions?status=happy");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badFilter.StatusCode);
    }

    [Fact]
    public async Task Another_business_or_the_other_mode_sees_a_404_never_the_subscription()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var id = (await driver.SubscribeAsync(await driver.ProductAsync(1000))).Str("subscription_id");
        var other = await app.CreateBusinessAsync();
        foreach (var client in new[] { other.Test, driver.Business.Live })
        {
            using (var get = await client.GetAsync($"/subscriptions/{id}"))
            {
                Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            }
            using (var patch = await client.PatchAsync($"/subscriptions/{id}", Json.Content(new { status = "cancelled" })))
            {
                Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
            }
            using (var charge = await client.PostAsync($"/subscriptions/{id}/charge", Json.Content(new { product_price = 100 })))
            {
                Assert.Equal(HttpStatusCode.NotFound, charge.StatusCode);
            }
            using (var update = await client.PostAsync($"/subscriptions/{id}/update-payment-method", Json.Content(new { type = "new" })))
            {
                Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
            }
            Assert.Empty((await client.GetJsonAsync("/subscriptions"))["items"]!.AsArray());
        }
        Assert.Equal("active", (await driver.GetAsync(id)).Str("status"));
    }

    [Fact]
    public async Task Patch_accepts_an_empty_body_and_refuses_contradictions()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var id = (await driver.SubscribeAsync(await driver.ProductAsync(1000))).Str("subscription_id");
        var eventsBefore = (await driver.EventsAsync()).Count;
        var same = await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { });
        Assert.Equal("active", same.Str("status"));
        Assert.Equal(eventsBefore, (await driver.EventsAsync()).Count);
        var updated = await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { metadata = new { tier = "gold" }, billing = new { country = "FR" }, tax_id = "FR123" });
        Assert.Equal(("gold", "FR", "FR123"), (updated["metadata"]!["tier"]!.GetValue<string>(), updated["billing"]!.Str("country"), updated.Str("tax_id")));
        foreach (var (body, field) in new (object, string)[]
        {
            (new { cancellation_feedback = "too_expensive" }, "cancellation_feedback"),
            (new { status = "expired" }, "status"),
            (new { cancellation_feedback = "meh", status = "cancelled" }, "cancellation_feedback"),
            (new { next_billing_date = "2001-01-01T00:00:00Z" }, "next_billing_date"),
            (new { subscription_period_count = 3 }, "subscription_period"),
        })
        {
            using var response = await driver.Api.PatchAsync($"/subscriptions/{id}", Json.Content(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{field}: {(int)response.StatusCode} {text}");
            Assert.Contains(field, JsonNode.Parse(text)!.Str("message"), StringComparison.Ordinal);
        }
        Assert.Equal("active", (await driver.GetAsync(id)).Str("status"));
    }

    [Fact]
    public async Task A_subscription_can_be_paid_from_the_wallet_alone()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var first = await driver.SubscribeAsync(await driver.ProductAsync(1000));
        var customerId = first["customer"]!["customer_id"]!.GetValue<string>();
        await driver.Api.PostJsonAsync($"/customers/{customerId}/wallets/ledger-entries", new { amount = 5000, currency = "USD", entry_type = "credit" });
        var chargesBefore = await driver.ProcessorChargesAsync();
        var charge = await driver.Api.PostJsonAsync($"/subscriptions/{first.Str("subscription_id")}/charge", new { product_price = 1200 });
        Assert.Equal("succeeded", (await driver.Api.GetJsonAsync($"/payments/{charge.Str("payment_id")}")).Str("status"));
        Assert.Equal(3800, await driver.WalletBalanceAsync(customerId));
        Assert.Equal(chargesBefore, await driver.ProcessorChargesAsync());
        var ledger = await driver.Api.GetJsonAsync($"/customers/{customerId}/wallets/ledger-entries?currency=USD");
        Assert.Contains(ledger["items"]!.AsArray(), e => e is not null && e.Str("event_type") == "payment" && e["amount"]!.GetValue<long>() == 1200);

        // Without permission to use credits, the card pays it all.
        var cardOnly = await driver.Api.PostJsonAsync($"/subscriptions/{first.Str("subscription_id")}/charge", new
        {
            product_price = 300,
            customer_balance_config = new { allow_customer_credits_usage = false },
        });
        Assert.Equal("succeeded", (await driver.Api.GetJsonAsync($"/payments/{cardOnly.Str("payment_id")}")).Str("status"));
        Assert.Equal(3800, await driver.WalletBalanceAsync(customerId));
        Assert.Equal(chargesBefore + 1, await driver.ProcessorChargesAsync());
    }
}
