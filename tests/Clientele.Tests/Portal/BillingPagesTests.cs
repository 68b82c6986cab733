using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Payments;
using Microsoft.Playwright;

namespace Clientele.Tests.Portal;

/// <summary>The portal's billing history as a customer uses it: Chromium at phone width, by role and name, axe-core light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class BillingPagesTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task A_customer_sees_a_paid_and_a_failed_payment_and_downloads_the_invoice()
    {
        var (business, checkout, email) = await ShopAsync("Billing Co");
        var paid = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(2500), email: email)).Path);
        var (_, declinedPath) = await checkout.SessionAsync(await checkout.ProductAsync(900), email: email);
        using (var declined = await checkout.PayAsync(declinedPath, CheckoutDriver.Declined))
        {
            Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        }
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, business, paid);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" }).GetByRole(AriaRole.Link, new() { Name = "Billing history" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Billing history", Level = 1 })).ToBeVisibleAsync();
        var table = page.GetByRole(AriaRole.Region, new() { Name = "Payments and invoices table" });
        var rows = table.GetByRole(AriaRole.Row);
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        // Newest first: the declined payment, then the paid one.
        var failedRow = rows.Nth(1);
        await Assertions.Expect(failedRow.GetByText("Failed", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(failedRow.GetByText("$9.00")).ToBeVisibleAsync();
        await Assertions.Expect(failedRow.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        var paidRow = rows.Nth(2);
        await Assertions.Expect(paidRow.GetByText("Paid", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(paidRow.GetByText("$25.00")).ToBeVisibleAsync();
        await Assertions.Expect(paidRow.GetByText("Visa •••• 4242")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => paidRow.GetByRole(AriaRole.Link, new() { Name = "Download invoice" }).ClickAsync());
        Assert.Matches("^TEST-INV-[0-9]{6}\\.pdf$", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        // The same document as the API's (the PDF's creation time differs, so compare its text).
        using var fromApi = await business.Test.GetAsync($"/invoices/payments/{paid.Str("payment_id")}");
        Assert.Equal(InvoiceTests.ExtractText(await fromApi.Content.ReadAsByteArrayAsync()), InvoiceTests.ExtractText(bytes));

        var response = await page.APIRequest.GetAsync(page.Url.Replace("/session/billing", $"/session/billing/invoices/{paid.Str("payment_id")}", StringComparison.Ordinal));
        Assert.Equal(200, response.Status);
        Assert.Equal("application/pdf", response.Headers["content-type"]);
        Assert.Equal($"attachment; filename=\"{download.SuggestedFilename}\"", response.Headers["content-disposition"]);
        Assert.Equal("no-store", response.Headers["cache-control"]);
    }

    [Fact]
    public async Task Another_customers_invoice_and_credit_note_are_not_found()
    {
        var (business, checkout, email) = await ShopAsync("Two Buyers Co");
        var mine = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(1000), email: email)).Path);
        var theirs = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(2000))).Path);
        var theirRefund = await business.Test.PostJsonAsync("/refunds", new { payment_id = theirs.Str("payment_id") });
        using var portal = await SignedInAsync(business, mine);

        Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync($"/test/session/billing/invoices/{mine.Str("payment_id")}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/billing/invoices/{theirs.Str("payment_id")}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/billing/credit-notes/{theirRefund.Str("refund_id")}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync("/test/session/billing/invoices/pay_nonexistent")).Status);
        var list = await portal.GetAsync("/test/session/billing");
        Assert.Contains(mine.Str("payment_id"), list.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Str("payment_id"), list.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refunded_payment_shows_refunded_and_its_credit_note_downloads()
    {
        var (business, checkout, email) = await ShopAsync("Refund Co");
        var paid = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(4000), email: email)).Path);
        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = paid.Str("payment_id") });
        Assert.Equal("succeeded", refund.Str("status"));
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, business, paid);
        await page.GotoAsync(page.Url.Replace("/session/overview", "/session/billing", StringComparison.Ordinal));

        var table = page.GetByRole(AriaRole.Region, new() { Name = "Payments and invoices table" });
        var paymentRow = table.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Download invoice" }) });
        await Assertions.Expect(paymentRow.GetByText("Refunded", new() { Exact = true })).ToBeVisibleAsync();
        var refundRow = table.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Download credit note" }) });
        await Assertions.Expect(refundRow.GetByText("−$40.00")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => refundRow.GetByRole(AriaRole.Link, new() { Name = "Download credit note" }).ClickAsync());
        Assert.Matches("^TEST-CN-[0-9]{6}\\.pdf$", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Contains("Credit note", InvoiceTests.ExtractText(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_twenty_payments_are_paged_with_older_and_newer()
    {
        var (business, checkout, email) = await ShopAsync("Many Payments Co");
        var product = await checkout.ProductAsync(100);
        var first = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(product, email: email)).Path);
        for (var i = 0; i < 20; i++)
        {
            using var declined = await checkout.PayAsync((await checkout.SessionAsync(product, email: email)).Path, CheckoutDriver.Declined);
            Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        }
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, business, first);
        await page.GotoAsync(page.Url.Replace("/session/overview", "/session/billing", StringComparison.Ordinal));

        var rows = page.GetByRole(AriaRole.Region, new() { Name = "Payments and invoices table" }).GetByRole(AriaRole.Row);
        await Assertions.Expect(rows).ToHaveCountAsync(21);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download invoice" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();

        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(1).GetByText("Paid", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Newer" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(21);
    }

    [Fact]
    public async Task A_card_change_of_nothing_is_not_listed_as_a_purchase_but_the_subscriptions_payment_is()
    {
        var business = await app.CreateBusinessAsync("Card Check Co");
        var driver = new Subscriptions.SubscriptionDriver(app, business);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Pro Plan"));
        var id = subscription.Str("subscription_id");
        // A new card for an active subscription: the hosted page saves it and records a payment of nothing.
        var update = await business.Test.PostJsonAsync($"/subscriptions/{id}/update-payment-method", new { type = "new" });
        await driver.Checkout.PaySuccessfullyAsync(new Uri(update.Str("payment_link")).AbsolutePath, CheckoutDriver.Mastercard);
        Assert.Contains((await driver.PaymentsAsync(id)), p => p is { Status: "succeeded", Total: 0, HasInvoice: false });
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync((await business.Test.PostJsonAsync($"/customers/{subscription["customer"]!.Str("customer_id")}/customer-portal/session", "")).Str("link"));
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        await page.GotoAsync(page.Url.Replace("/session/overview", "/session/billing", StringComparison.Ordinal));

        var rows = page.GetByRole(AriaRole.Region, new() { Name = "Payments and invoices table" }).GetByRole(AriaRole.Row);
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(1).GetByText("$12.00")).ToBeVisibleAsync();
        await Assertions.Expect(rows.Nth(1).GetByRole(AriaRole.Link, new() { Name = "Download invoice" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("$0.00")).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);
    }

    private async Task<(TestBusiness Business, CheckoutDriver Checkout, string Email)> ShopAsync(string name)
    {
        var business = await app.CreateBusinessAsync(name);
        return (business, new CheckoutDriver(app, business.Test), $"billing-{Guid.NewGuid():N}@example.com");
    }

    private static async Task<string> LinkAsync(TestBusiness business, JsonNode payment) =>
        (await business.Test.PostJsonAsync($"/customers/{payment["customer"]!.Str("customer_id")}/customer-portal/session", "")).Str("link");

    private static async Task<IPage> SignedInPageAsync(IBrowserContext context, TestBusiness business, JsonNode payment)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(await LinkAsync(business, payment));
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        return page;
    }

    /// <summary>An HTTP client signed in through the link (GET shows the interstitial, its POST uses the link).</summary>
    private async Task<PortalClient> SignedInAsync(TestBusiness business, JsonNode payment)
    {
        var portal = new PortalClient(app.BaseAddress);
        var path = new Uri(await LinkAsync(business, payment)).AbsolutePath;
        await portal.GetAsync(path);
        var landed = await portal.PostFormAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, landed.Status);
        return portal;
    }
}
