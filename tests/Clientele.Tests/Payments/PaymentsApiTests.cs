using System.Net;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Payments;

public sealed class PaymentsApiTests(AppFixture app)
{
    [Fact]
    public async Task List_filters_by_status_customer_product_currency_and_time()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var usd = await checkout.ProductAsync(1000);
        var eur = await checkout.ProductAsync(2000, "EUR");
        var first = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(usd)).Path);
        var second = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(eur)).Path);
        var (failedSession, failedPath) = await checkout.SessionAsync(usd);
        (await checkout.PayAsync(failedPath, CheckoutDriver.Declined)).Dispose();
        var failedId = (await business.Test.GetJsonAsync($"/checkouts/{failedSession}")).Str("payment_id");

        List<string> Ids(System.Text.Json.Nodes.JsonNode page) => [.. page["items"]!.AsArray().Select(p => p!.Str("payment_id"))];
        Assert.Equal([failedId, second.Str("payment_id"), first.Str("payment_id")], Ids(await business.Test.GetJsonAsync("/payments")));
        Assert.Equal([failedId], Ids(await business.Test.GetJsonAsync("/payments?status=failed")));
        Assert.Equal([second.Str("payment_id")], Ids(await business.Test.GetJsonAsync("/payments?currency=EUR")));
        Assert.Equal([failedId, first.Str("payment_id")], Ids(await business.Test.GetJsonAsync($"/payments?product_id={usd}")));
        Assert.Equal([first.Str("payment_id")], Ids(await business.Test.GetJsonAsync($"/payments?customer_id={first["customer"]!.Str("customer_id")}")));
        var since = Uri.EscapeDataString(second.Str("created_at"));
        Assert.Equal([failedId, second.Str("payment_id")], Ids(await business.Test.GetJsonAsync($"/payments?created_at_gte={since}")));
        Assert.Equal([first.Str("payment_id")], Ids(await business.Test.GetJsonAsync($"/payments?created_at_lte={Uri.EscapeDataString(first.Str("created_at"))}")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/payments?subscription_id=sub_none")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/payments?page_number=3")));
        var item = (await business.Test.GetJsonAsync("/payments?status=succeeded&page_size=1"))["items"]![0]!;
        Assert.Equal("dodo", item.Str("payment_provider"));
        Assert.False(item["has_license_key"]!.GetValue<bool>());

        var error = await business.Test.GetJsonAsync("/payments?status=done", HttpStatusCode.UnprocessableEntity);
        Assert.Contains("status:", error.Str("message"), StringComparison.Ordinal);
        await business.Test.GetJsonAsync("/payments?currency=usd", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Line_items_show_amounts_and_what_is_left_to_refund()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(1250), quantity: 3)).Path);

        var lines = await business.Test.GetJsonAsync($"/payments/{payment.Str("payment_id")}/line-items");
        Assert.Equal("USD", lines.Str("currency"));
        var line = lines["items"]![0]!;
        Assert.Equal(3750, line["amount"]!.GetValue<long>());
        Assert.Equal(3750, line["refundable_amount"]!.GetValue<long>());
        Assert.Equal(0, line["tax"]!.GetValue<long>());
        Assert.Equal("Pro licence", line.Str("name"));
    }

    [Fact]
    public async Task Another_business_or_mode_gets_404_for_payments_and_their_invoices()
    {
        var owner = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, owner.Test);
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync())).Path);
        var id = payment.Str("payment_id");

        await stranger.Test.GetJsonAsync($"/payments/{id}", HttpStatusCode.NotFound);
        await owner.Live.GetJsonAsync($"/payments/{id}", HttpStatusCode.NotFound);
        await stranger.Test.GetJsonAsync($"/payments/{id}/line-items", HttpStatusCode.NotFound);
        Assert.Empty((await stranger.Test.GetJsonAsync("/payments"))["items"]!.AsArray());
        using var pdf = await stranger.Test.GetAsync($"/invoices/payments/{id}");
        Assert.Equal(HttpStatusCode.NotFound, pdf.StatusCode);
        var customerId = payment["customer"]!.Str("customer_id");
        await stranger.Test.GetJsonAsync($"/customers/{customerId}/payment-methods", HttpStatusCode.NotFound);
    }
}
