using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Clientele.Tests.Checkout;

/// <summary>The hosted payment page as a customer uses it: the machine's Chromium, headless, scripts on.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class CheckoutBrowserTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task A_declined_card_shows_its_reason_then_a_good_card_pays_and_lands_on_the_receipt()
    {
        var business = await app.CreateBusinessAsync("Browser Checkout Co");
        var checkout = new CheckoutDriver(app, business.Test);
        var session = await business.Test.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = await checkout.ProductAsync(4200), quantity = 1 } },
            customer = new { email = $"browser-{Guid.NewGuid():N}@example.com", name = "Bruno Browser" },
            billing_address = new { country = "US" },
        });

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(session.Str("checkout_url"));
        await Assertions.Expect(page.GetByText("Browser Checkout Co").First).ToBeVisibleAsync();

        await PayAsync(page, CheckoutDriver.Declined);
        var alert = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Your card was declined. Try another card." });
        await Assertions.Expect(alert).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Card number")).ToBeEditableAsync();

        await PayAsync(page, CheckoutDriver.Visa);
        await page.WaitForURLAsync(new Regex("/receipt"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download the invoice (PDF)" })).ToBeVisibleAsync();
        var paymentId = await page.Locator("#payment-id").InnerTextAsync();

        var payment = await business.Test.GetJsonAsync($"/payments/{paymentId}");
        Assert.Equal("succeeded", payment.Str("status"));
        Assert.Equal(session.Str("session_id"), payment.Str("checkout_session_id"));
        Assert.Equal("4242", payment.Str("card_last_four"));
    }

    private static async Task PayAsync(IPage page, string card)
    {
        await page.GetByLabel("Card number").FillAsync(card);
        await page.GetByLabel("Expiry date").FillAsync(TestCardDates.Expiry);
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByLabel("Name on card").FillAsync("Bruno Browser");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
    }

    [Fact]
    public async Task A_subscriptions_page_discloses_the_automatic_renewal_before_the_pay_button()
    {
        var business = await app.CreateBusinessAsync("Renewing Co");
        var plans = new Subscriptions.SubscriptionDriver(app, business);
        var product = await plans.ProductAsync(1500, trialDays: 7);
        var created = await business.Test.PostJsonAsync("/subscriptions", new
        {
            product_id = product,
            quantity = 1,
            customer = new { email = $"renew-{Guid.NewGuid():N}@example.com", name = "Rita Renew" },
            billing = new { country = "US" },
            payment_link = true,
        });

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(created.Str("payment_link"));
        var renewal = page.GetByRole(AriaRole.Region, new() { Name = "Automatic renewal" });
        await Assertions.Expect(renewal).ToContainTextAsync("renews automatically at $15.00 per month");
        await Assertions.Expect(renewal).ToContainTextAsync("It starts with a 7-day trial.");
        await Assertions.Expect(renewal).ToContainTextAsync($"/test/login/{business.Id}");
        // The disclosure comes before the button that commits to it.
        var order = await page.EvaluateAsync<bool>(
            "() => !!(document.getElementById('renewal-title').compareDocumentPosition(document.querySelector('form button[type=submit]')) & Node.DOCUMENT_POSITION_FOLLOWING)");
        Assert.True(order);
        await Accessibility.AssertCleanAsync(page);
    }

    [Fact]
    public async Task A_one_time_purchase_has_no_renewal_disclosure()
    {
        var business = await app.CreateBusinessAsync("Once Co");
        var checkout = new CheckoutDriver(app, business.Test);
        var session = await business.Test.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = await checkout.ProductAsync(900), quantity = 1 } },
            customer = new { email = $"once-{Guid.NewGuid():N}@example.com", name = "Otto Once" },
            billing_address = new { country = "US" },
        });

        var html = await checkout.GetPageAsync(new Uri(session.Str("checkout_url")).AbsolutePath);
        Assert.DoesNotContain("renewal-title", html);
    }

    [Fact]
    public async Task The_receipt_shows_the_license_keys_the_payment_issued()
    {
        var business = await app.CreateBusinessAsync("Keys Co");
        var product = await LicenseKeys.LicenseTestData.LicensedProductAsync(business.Test, limit: 3);
        var session = await business.Test.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = product, quantity = 2 } },
            customer = new { email = $"keys-{Guid.NewGuid():N}@example.com", name = "Kim Keys" },
            billing_address = new { country = "US" },
        });

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(session.Str("checkout_url"));
        await PayAsync(page, CheckoutDriver.Visa);
        await page.WaitForURLAsync(new Regex("/receipt"));

        var keys = page.GetByRole(AriaRole.Region, new() { Name = "Your license keys" });
        await Assertions.Expect(keys.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        var shown = await keys.Locator("code.license-key").AllInnerTextsAsync();
        var paymentId = await page.Locator("#payment-id").InnerTextAsync();
        var issued = await business.Test.GetJsonAsync($"/license_keys?customer_id={(await business.Test.GetJsonAsync($"/payments/{paymentId}"))["customer"]!.Str("customer_id")}");
        Assert.Equal(issued["items"]!.AsArray().Select(k => k!.Str("key")).Order(), shown.Order());
        await Assertions.Expect(keys).ToContainTextAsync("Activations: 3. Valid until: no expiry.");
        await Accessibility.AssertCleanAsync(page);
    }
}
