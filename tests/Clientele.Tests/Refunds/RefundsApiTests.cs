using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Payments;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Refunds;

public sealed class RefundsApiTests(AppFixture app)
{
    /// <summary>A paid checkout of two products (1000 and 2 × 250): total 1500.</summary>
    private async Task<(TestBusiness Business, JsonNode Payment, string Big, string Small)> PaidAsync()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var big = await checkout.ProductAsync(1000);
        var small = await checkout.ProductAsync(250);
        var session = await business.Test.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = big, quantity = 1 }, new { product_id = small, quantity = 2 } },
            customer = new { email = $"r-{Guid.NewGuid():N}@example.com", name = "Rhea" },
            billing_address = new { country = "DE" },
        });
        var payment = await checkout.PaySuccessfullyAsync(new Uri(session.Str("checkout_url")).AbsolutePath);
        return (business, payment, big, small);
    }

    [Fact]
    public async Task A_partial_refund_by_line_then_the_rest_makes_a_full_refund()
    {
        var (business, payment, big, small) = await PaidAsync();
        var paymentId = payment.Str("payment_id");

        var partial = await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId, items = new[] { new { item_id = small, amount = 100 } }, reason = "one seat unused" });
        Assert.StartsWith("ref_", partial.Str("refund_id"), StringComparison.Ordinal);
        Assert.Equal("succeeded", partial.Str("status"));
        Assert.Equal(100, partial["amount"]!.GetValue<long>());
        Assert.True(partial["is_partial"]!.GetValue<bool>());
        Assert.Equal("one seat unused", partial.Str("reason"));
        Assert.Equal(payment["customer"]!.Str("customer_id"), partial["customer"]!.Str("customer_id"));

        var lines = (await business.Test.GetJsonAsync($"/payments/{paymentId}/line-items"))["items"]!.AsArray();
        Assert.Equal(400, lines.Single(l => l!.Str("items_id") == small)!["refundable_amount"]!.GetValue<long>());
        Assert.Equal("partial", (await business.Test.GetJsonAsync($"/payments/{paymentId}")).Str("refund_status"));

        var rest = await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId });
        Assert.Equal(1400, rest["amount"]!.GetValue<long>());
        var refunded = await business.Test.GetJsonAsync($"/payments/{paymentId}");
        Assert.Equal("full", refunded.Str("refund_status"));
        Assert.Equal(2, refunded["refunds"]!.AsArray().Count);

        var error = await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("payment_id:", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(big, lines[0]!.Str("items_id"));
    }

    [Fact]
    public async Task Concurrent_refunds_never_take_back_more_than_was_paid()
    {
        var (business, payment, _, _) = await PaidAsync();
        var paymentId = payment.Str("payment_id");
        var big = (await business.Test.GetJsonAsync($"/payments/{paymentId}/line-items"))["items"]![0]!.Str("items_id");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await business.Test.PostAsync("/refunds", Json.Content(new { payment_id = paymentId, items = new[] { new { item_id = big, amount = 300 } } }));
            return response.StatusCode;
        }));

        Assert.Equal(3, attempts.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(9, attempts.Count(s => s == HttpStatusCode.UnprocessableEntity));
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(900, await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(amount), 0) FROM refunds WHERE payment_id = @paymentId AND status <> 'failed'", new { paymentId }));
        Assert.Equal(900, await connection.ExecuteScalarAsync<long>("SELECT refunded_amount FROM payments WHERE id = @paymentId", new { paymentId }));
    }

    [Fact]
    public async Task Concurrent_full_refunds_refund_once()
    {
        var (business, payment, _, _) = await PaidAsync();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await business.Test.PostAsync("/refunds", Json.Content(new { payment_id = payment.Str("payment_id") }));
            return response.StatusCode;
        }));
        Assert.Single(statuses, s => s == HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{}""", "payment_id")]
    [InlineData("""{"payment_id":"PAYMENT","items":[{"item_id":"pdt_other"}]}""", "items[0].item_id")]
    [InlineData("""{"payment_id":"PAYMENT","items":[{"item_id":"BIG","amount":1001}]}""", "items[0].amount")]
    [InlineData("""{"payment_id":"PAYMENT","items":[{"item_id":"BIG","amount":0}]}""", "items[0].amount")]
    [InlineData("""{"payment_id":"PAYMENT","items":[{"item_id":"BIG"},{"item_id":"BIG"}]}""", "items")]
    [InlineData("""{"payment_id":"PAYMENT","items":{"item_id":"BIG"}}""", "items")]
    public async Task Each_bad_field_is_a_422_naming_it_and_nothing_is_refunded(string template, string field)
    {
        var (business, payment, big, _) = await PaidAsync();
        var body = template.Replace("PAYMENT", payment.Str("payment_id"), StringComparison.Ordinal).Replace("BIG", big, StringComparison.Ordinal);
        var error = await business.Test.PostJsonAsync("/refunds", body, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
        Assert.Empty((await business.Test.GetJsonAsync("/refunds"))["items"]!.AsArray());
        Assert.Null((await business.Test.GetJsonAsync($"/payments/{payment.Str("payment_id")}"))["refund_status"]);
    }

    [Fact]
    public async Task A_failed_payment_cannot_be_refunded_and_unknown_payments_are_404()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (sessionId, path) = await checkout.SessionAsync(await checkout.ProductAsync());
        (await checkout.PayAsync(path, CheckoutDriver.Declined)).Dispose();
        var failedId = (await business.Test.GetJsonAsync($"/checkouts/{sessionId}")).Str("payment_id");

        await business.Test.PostJsonAsync("/refunds", new { payment_id = failedId }, HttpStatusCode.UnprocessableEntity);
        var lines = await business.Test.GetJsonAsync($"/payments/{failedId}/line-items");
        Assert.Equal(0, lines["items"]![0]!["refundable_amount"]!.GetValue<long>());
        await business.Test.PostJsonAsync("/refunds", new { payment_id = "pay_unknown" }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_filters_and_isolation()
    {
        var (business, payment, _, small) = await PaidAsync();
        var first = await business.Test.PostJsonAsync("/refunds", new { payment_id = payment.Str("payment_id"), items = new[] { new { item_id = small, amount = 50 } } });
        var second = await business.Test.PostJsonAsync("/refunds", new { payment_id = payment.Str("payment_id"), items = new[] { new { item_id = small, amount = 60 } } });

        List<string> Ids(JsonNode page) => [.. page["items"]!.AsArray().Select(r => r!.Str("refund_id"))];
        Assert.Equal([second.Str("refund_id"), first.Str("refund_id")], Ids(await business.Test.GetJsonAsync("/refunds")));
        Assert.Equal(2, Ids(await business.Test.GetJsonAsync($"/refunds?status=succeeded&customer_id={payment["customer"]!.Str("customer_id")}")).Count);
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/refunds?status=pending")));
        Assert.Equal([second.Str("refund_id")], Ids(await business.Test.GetJsonAsync($"/refunds?created_at_gte={Uri.EscapeDataString(second.Str("created_at"))}")));
        await business.Test.GetJsonAsync("/refunds?status=done", HttpStatusCode.UnprocessableEntity);

        var stranger = await app.CreateBusinessAsync();
        await stranger.Test.GetJsonAsync($"/refunds/{first.Str("refund_id")}", HttpStatusCode.NotFound);
        await business.Live.GetJsonAsync($"/refunds/{first.Str("refund_id")}", HttpStatusCode.NotFound);
        await stranger.Test.PostJsonAsync("/refunds", new { payment_id = payment.Str("payment_id") }, HttpStatusCode.NotFound);
        Assert.Empty(Ids(await stranger.Test.GetJsonAsync("/refunds")));
    }

    [Fact]
    public async Task A_credit_note_pdf_is_issued_for_each_refund()
    {
        var (business, payment, _, small) = await PaidAsync();
        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = payment.Str("payment_id"), items = new[] { new { item_id = small } } });

        using var response = await business.Test.GetAsync($"/invoices/refunds/{refund.Str("refund_id")}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = InvoiceTests.ExtractText(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("TEST-CN-000001", text, StringComparison.Ordinal);
        Assert.Contains("$5.00", text, StringComparison.Ordinal);
        Assert.Contains("TEST-INV-000001", text, StringComparison.Ordinal);

        using var anonymous = app.CreateAnonymousClient();
        using var bare = await anonymous.GetAsync($"/invoices/refunds/{refund.Str("refund_id")}");
        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
    }
}
