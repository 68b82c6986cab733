using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Clientele.Features.Payments;
using Clientele.Platform.Email;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Clientele.Tests.LicenseKeys.LicenseTestData;

namespace Clientele.Tests.LicenseKeys;

/// <summary>
/// The receipt e-mail hands over the license keys the payment issued (product, key, activations,
/// expiry), text and HTML, in the customer's language, paid on the hosted page over real HTTP.
/// </summary>
public sealed class ReceiptEmailKeysTests(AppFixture app)
{
    [Fact]
    public async Task A_paid_license_key_checkout_sends_each_key_with_its_terms_in_the_receipt_email()
    {
        var business = await app.CreateBusinessAsync("Key Shop");
        var licensed = await LicensedProductAsync(business.Test, limit: 3, duration: new { count = 1, interval = "Year" });
        var email = $"keys-{Guid.NewGuid():N}@example.com";
        var checkout = new CheckoutDriver(app, business.Test);
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(licensed, quantity: 2, email: email)).Path);

        var keys = await KeysOfPaymentAsync(business.Test, payment);
        Assert.Equal(2, keys.Count);
        var receipt = await SingleReceiptAsync(email);
        Assert.Contains("Your license keys:", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("Your license keys:", receipt.HtmlBody, StringComparison.Ordinal);
        foreach (var key in keys)
        {
            var expiry = DateTime.Parse(key.Str("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).ToString("D", CultureInfo.GetCultureInfo("en-US"));
            var terms = $"Activations: 3. Valid until: {expiry}.";
            Assert.Contains($"License key for Desktop licence\n    {key.Str("key")}\n    {terms}\n", receipt.TextBody, StringComparison.Ordinal);
            Assert.Contains($">{key.Str("key")}</code>", receipt.HtmlBody, StringComparison.Ordinal);
            Assert.Contains(WebUtility.HtmlEncode(terms), receipt.HtmlBody, StringComparison.Ordinal);
        }
        // The receipt still opens the invoice, and the keys are in the e-mail, never in a log line.
        Assert.Equal(payment.Str("invoice_url"), Mailbox.LinkIn(receipt));
        Assert.DoesNotContain(app.Logs.Snapshot(), line => keys.Any(k => line.Contains(k.Str("key"), StringComparison.Ordinal)));
        // The API's side is unchanged: one license_key.created per key.
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM webhook_events WHERE business_id = @id AND type = 'license_key.created'", new { id = business.Id }));
    }

    [Fact]
    public async Task The_keys_are_worded_in_the_customers_language_and_unlimited_ones_say_so()
    {
        var business = await app.CreateBusinessAsync("Negozio Chiavi");
        var unlimited = await LicensedProductAsync(business.Test, limit: null);
        var customer = await business.Test.PostJsonAsync("/customers", new { email = $"chiavi-{Guid.NewGuid():N}@example.com", name = "Lia Licenza" });
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.ExecuteAsync("UPDATE customers SET portal_culture = 'it' WHERE id = @id", new { id = customer.Str("customer_id") });
        }
        var session = await business.Test.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = unlimited, quantity = 1 } },
            customer = new { customer_id = customer.Str("customer_id") },
            billing_address = new { country = "IT" },
        });
        var payment = await new CheckoutDriver(app, business.Test).PaySuccessfullyAsync(new Uri(session.Str("checkout_url")).AbsolutePath);

        var key = Assert.Single(await KeysOfPaymentAsync(business.Test, payment)).Str("key");
        var receipt = await SingleReceiptAsync(customer.Str("email"));
        Assert.Contains("Le tue chiavi di licenza:", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Chiave di licenza per Desktop licence\n    {key}\n    Attivazioni: illimitate. Valida fino al: nessuna scadenza.\n", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains($">{key}</code>", receipt.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_paid_on_the_hosted_page_sends_its_keys_in_the_receipt()
    {
        var business = await app.CreateBusinessAsync("Key Plans");
        var driver = new Subscriptions.SubscriptionDriver(app, business);
        var product = (await business.Test.PostJsonAsync("/products", new
        {
            name = "Licensed plan",
            tax_category = "saas",
            price = Subscriptions.SubscriptionDriver.RecurringPrice(1500),
            license_key_enabled = true,
            license_key_activations_limit = 5,
        })).Str("product_id");
        var email = $"plan-keys-{Guid.NewGuid():N}@example.com";
        var subscriptionId = (await driver.SubscribeAsync(product, email: email)).Str("subscription_id");

        var payment = (await business.Test.GetJsonAsync($"/payments?subscription_id={subscriptionId}"))["items"]![0]!;
        var key = Assert.Single(await KeysOfPaymentAsync(business.Test, payment)).Str("key");
        var receipt = await SingleReceiptAsync(email);
        // A subscription's key lasts as long as the subscription: no date.
        Assert.Contains($"License key for Licensed plan\n    {key}\n    Activations: 5. Valid until: no expiry.\n", receipt.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receipt_without_license_key_products_has_no_keys_section()
    {
        var business = await app.CreateBusinessAsync("Plain Shop");
        var checkout = new CheckoutDriver(app, business.Test);
        var email = $"plain-{Guid.NewGuid():N}@example.com";
        await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(1500), email: email)).Path);

        var receipt = await SingleReceiptAsync(email);
        Assert.DoesNotContain("license key", receipt.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<code", receipt.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("$15.00", receipt.TextBody, StringComparison.Ordinal);
    }

    /// <summary>Waits for the receipt in the dev mailbox and asserts it is the only one.</summary>
    private async Task<DevMail> SingleReceiptAsync(string email)
    {
        var receipt = await Mailbox.WaitForKindAsync(app, email, PaymentEmails.ReceiptKind);
        var all = await app.Services.GetRequiredService<DevMailbox>().ListAsync(email, 50, CancellationToken.None);
        Assert.Single(all, m => m.Kind == PaymentEmails.ReceiptKind);
        return receipt;
    }
}
