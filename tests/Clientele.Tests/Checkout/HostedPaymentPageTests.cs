using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Checkout;

public sealed class HostedPaymentPageTests(AppFixture app)
{
    [Fact]
    public async Task Paying_with_a_good_card_succeeds_saves_the_card_and_lands_on_the_receipt()
    {
        var business = await app.CreateBusinessAsync("Acme Tools");
        var checkout = new CheckoutDriver(app, business.Test);
        var product = await checkout.ProductAsync(1999);
        var (sessionId, path) = await checkout.SessionAsync(product, quantity: 2);
        Assert.StartsWith("/test/checkout/cks_", path, StringComparison.Ordinal);

        var page = await checkout.GetPageAsync(path);
        Assert.Contains("Acme Tools", page, StringComparison.Ordinal);
        Assert.Contains("$39.98", page, StringComparison.Ordinal);
        Assert.Contains("<label for=\"card_number\">", page, StringComparison.Ordinal);

        var payment = await checkout.PaySuccessfullyAsync(path);
        Assert.Equal("succeeded", payment.Str("status"));
        Assert.Equal(3998, payment["total_amount"]!.GetValue<long>());
        Assert.Equal("4242", payment.Str("card_last_four"));
        Assert.Equal("Visa", payment.Str("card_network"));
        Assert.Equal(sessionId, payment.Str("checkout_session_id"));
        Assert.StartsWith("inv_", payment.Str("invoice_id"), StringComparison.Ordinal);
        Assert.Contains("token=", payment.Str("invoice_url"), StringComparison.Ordinal);
        Assert.Equal(product, payment["product_cart"]![0]!.Str("product_id"));
        Assert.Equal(2, payment["product_cart"]![0]!["quantity"]!.GetValue<int>());

        var customerId = payment["customer"]!.Str("customer_id");
        var methods = await business.Test.GetJsonAsync($"/customers/{customerId}/payment-methods");
        var card = methods["items"]![0]!;
        Assert.Equal(payment.Str("payment_method_id"), card.Str("payment_method_id"));
        Assert.Equal("4242", card["card"]!.Str("last4_digits"));
        Assert.Equal("12", card["card"]!.Str("expiry_month"));
        Assert.Equal(TestCardDates.ExpiryYear.ToString(System.Globalization.CultureInfo.InvariantCulture), card["card"]!.Str("expiry_year"));

        var status = await business.Test.GetJsonAsync($"/checkouts/{sessionId}");
        Assert.Equal("succeeded", status.Str("payment_status"));
        // A paid session sends the payer to the receipt again rather than charging twice.
        using var again = await checkout.Browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task A_declined_card_shows_the_reason_and_another_card_can_be_tried()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (sessionId, path) = await checkout.SessionAsync(await checkout.ProductAsync());

        using (var declined = await checkout.PayAsync(path, CheckoutDriver.Declined))
        {
            Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
            var html = await declined.Content.ReadAsStringAsync();
            Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
            Assert.Contains("Your card was declined", html, StringComparison.Ordinal);
            Assert.DoesNotContain("4000 0000 0000 0002", html, StringComparison.Ordinal);
        }
        var failed = await business.Test.GetJsonAsync($"/checkouts/{sessionId}");
        Assert.Equal("failed", failed.Str("payment_status"));
        var failedPayment = await business.Test.GetJsonAsync($"/payments/{failed.Str("payment_id")}");
        Assert.Equal("card_declined", failedPayment.Str("error_code"));
        Assert.Null(failedPayment["invoice_id"]);

        using (var poor = await checkout.PayAsync(path, CheckoutDriver.InsufficientFunds))
        {
            Assert.Contains("insufficient funds", await poor.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var payment = await checkout.PaySuccessfullyAsync(path);
        Assert.Equal(failed.Str("payment_id"), payment.Str("payment_id"));
        Assert.Equal("succeeded", payment.Str("status"));
        Assert.Equal(2, payment["retry_attempt"]!.GetValue<int>());
        Assert.Null(payment["error_code"]);
        var methods = await business.Test.GetJsonAsync($"/customers/{payment["customer"]!.Str("customer_id")}/payment-methods");
        Assert.Single(methods["items"]!.AsArray());
    }

    [Fact]
    public async Task Bad_form_fields_are_announced_next_to_each_field_and_nothing_is_charged()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (sessionId, path) = await checkout.SessionAsync(await checkout.ProductAsync());

        using var response = await checkout.PayAsync(path, "1234 5678", expiry: "13/30", cvc: "1");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"error-summary\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"card_number-error\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#expiry\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#cvc\"", html, StringComparison.Ordinal);
        Assert.Null((await business.Test.GetJsonAsync($"/checkouts/{sessionId}"))["payment_id"]);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (sessionId, path) = await checkout.SessionAsync(await checkout.ProductAsync());
        await checkout.GetPageAsync(path);

        using var response = await checkout.Browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["cardNumber"] = CheckoutDriver.Visa,
            ["expiry"] = TestCardDates.Expiry,
            ["cvc"] = "123",
            ["CardholderName"] = "X",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null((await business.Test.GetJsonAsync($"/checkouts/{sessionId}"))["payment_id"]);
    }

    [Fact]
    public async Task Success_redirects_to_the_return_url_with_the_payment()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync(), returnUrl: "https://shop.example.com/thanks?order=7");

        using var response = await checkout.PayAsync(path, CheckoutDriver.Visa);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("https://shop.example.com/thanks?order=7&payment_id=pay_", location, StringComparison.Ordinal);
        Assert.EndsWith("&status=succeeded", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_is_localised_by_the_culture_query_or_accept_language()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync(1000, "EUR"));

        var portuguese = await checkout.GetPageAsync(path + "?culture=pt-BR");
        Assert.Contains("Número do cartão", portuguese, StringComparison.Ordinal);
        Assert.Contains("lang=\"pt-BR\"", portuguese, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd("it-IT,it;q=0.9");
        using var response = await checkout.Browser.SendAsync(request);
        var italian = await response.Content.ReadAsStringAsync();
        Assert.Contains("Numero della carta", italian, StringComparison.Ordinal);
        Assert.Contains("10,00", italian, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkout_without_a_customer_asks_for_one_and_reuses_a_known_email()
    {
        var business = await app.CreateBusinessAsync();
        var known = await business.Test.PostJsonAsync("/customers", new { name = "Known", email = "known@example.com" });
        var checkout = new CheckoutDriver(app, business.Test);
        var product = await checkout.ProductAsync();
        var session = await business.Test.PostJsonAsync("/checkouts", new { product_cart = new[] { new { product_id = product, quantity = 1 } } });
        var path = new Uri(session.Str("checkout_url")).AbsolutePath;

        using (var missing = await checkout.PayAsync(path, CheckoutDriver.Visa))
        {
            var html = await missing.Content.ReadAsStringAsync();
            Assert.Contains("href=\"#email\"", html, StringComparison.Ordinal);
            Assert.Contains("href=\"#country\"", html, StringComparison.Ordinal);
        }
        using var paid = await checkout.PayAsync(path, CheckoutDriver.Visa, extra: new() { ["Email"] = "KNOWN@example.com", ["Name"] = "Someone", ["Country"] = "br" });
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        var payments = await business.Test.GetJsonAsync($"/payments?customer_id={known.Str("customer_id")}");
        var payment = payments["items"]![0]!;
        Assert.Equal("known@example.com", payment["customer"]!.Str("email"));
        Assert.Equal("BR", (await business.Test.GetJsonAsync($"/payments/{payment.Str("payment_id")}"))["billing"]!.Str("country"));
    }

    [Fact]
    public async Task Unknown_sessions_are_404()
    {
        using var browser = app.CreateAnonymousClient();
        using var response = await browser.GetAsync("/checkout/cks_000000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
