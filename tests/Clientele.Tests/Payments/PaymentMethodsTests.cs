using System.Net;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Payments;

public sealed class PaymentMethodsTests(AppFixture app)
{
    [Fact]
    public async Task A_saved_card_can_be_deleted_unless_something_active_uses_it()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var product = await checkout.ProductAsync();
        var email = $"pm-{Guid.NewGuid():N}@example.com";
        var first = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(product, email: email)).Path);
        await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(product, email: email)).Path, "5555 5555 5555 4444");
        var customerId = first["customer"]!.Str("customer_id");
        var methods = (await business.Test.GetJsonAsync($"/customers/{customerId}/payment-methods"))["items"]!.AsArray();
        Assert.Equal(2, methods.Count);
        var inUse = methods.Single(m => m!["card"]!.Str("card_network") == "Mastercard")!.Str("payment_method_id");
        var free = methods.Single(m => m!["card"]!.Str("card_network") == "Visa")!.Str("payment_method_id");

        // An active subscription charges the Mastercard.
        var plan = (await business.Test.PostJsonAsync("/products", Subscriptions.SubscriptionDriverPrices.Monthly(900))).Str("product_id");
        await business.Test.PostJsonAsync("/subscriptions", new
        {
            product_id = plan,
            quantity = 1,
            customer = new { customer_id = customerId },
            billing = new { country = "US" },
            payment_method_id = inUse,
        });
        using (var conflict = await business.Test.DeleteAsync($"/customers/{customerId}/payment-methods/{inUse}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
            Assert.Equal("false", conflict.Headers.GetValues("x-should-retry").Single());
        }
        using (var deleted = await business.Test.DeleteAsync($"/customers/{customerId}/payment-methods/{free}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var again = await business.Test.DeleteAsync($"/customers/{customerId}/payment-methods/{free}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
        var left = (await business.Test.GetJsonAsync($"/customers/{customerId}/payment-methods"))["items"]!.AsArray();
        Assert.Equal(inUse, Assert.Single(left)!.Str("payment_method_id"));

        var stranger = await app.CreateBusinessAsync();
        using var foreign = await stranger.Test.DeleteAsync($"/customers/{customerId}/payment-methods/{inUse}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }
}
