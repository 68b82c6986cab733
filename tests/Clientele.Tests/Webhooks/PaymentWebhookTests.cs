using System.Text.Json.Nodes;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Webhooks;

[Collection(nameof(WebhookFixture))]
public sealed class PaymentWebhookTests(WebhookFixture app)
{
    [Fact]
    public async Task A_declined_then_paid_checkout_and_a_refund_emit_payment_and_refund_events_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var business = await app.CreateBusinessAsync();
        await business.Test.PostJsonAsync("/webhooks", new { url = receiver.Url });
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync(1500));

        (await checkout.PayAsync(path, CheckoutDriver.Declined)).Dispose();
        var failed = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        var payment = await checkout.PaySuccessfullyAsync(path);
        var succeeded = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        await business.Test.PostJsonAsync("/refunds", new { payment_id = payment.Str("payment_id"), reason = "duplicate" });
        var refunded = JsonNode.Parse((await receiver.NextAsync()).Body)!;

        Assert.Equal("payment.failed", failed.Str("type"));
        Assert.Equal("Payment", failed["data"]!.Str("payload_type"));
        Assert.Equal("failed", failed["data"]!.Str("status"));
        Assert.Equal("payment.succeeded", succeeded.Str("type"));
        Assert.Equal(payment.Str("payment_id"), succeeded["data"]!.Str("payment_id"));
        Assert.Equal("succeeded", succeeded["data"]!.Str("status"));
        Assert.Equal(1500, succeeded["data"]!["total_amount"]!.GetValue<long>());
        Assert.Equal("refund.succeeded", refunded.Str("type"));
        Assert.Equal("Refund", refunded["data"]!.Str("payload_type"));
        Assert.Equal(payment.Str("payment_id"), refunded["data"]!.Str("payment_id"));
        Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromSeconds(1)));
    }
}
