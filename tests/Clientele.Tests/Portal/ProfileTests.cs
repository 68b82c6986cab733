using System.Net;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Payments;

namespace Clientele.Tests.Portal;

public sealed class ProfileTests(AppFixture app)
{
    [Fact]
    public async Task Name_and_phone_are_updated_with_the_api_rules()
    {
        var business = await app.CreateBusinessAsync();
        var (client, id, _) = await PortalTestData.SignedInAsync(app, business.Test, "Old Name");
        using var _client = client;
        await client.GetAsync("/test/session/profile");

        var saved = await client.PostFormAsync("/test/session/profile?handler=Details", new Dictionary<string, string> { ["Name"] = "  New Name ", ["Phone"] = "+1 (415) 555-0123" });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var page = await client.GetAsync(saved.Location!);
        Assert.Contains("Your details were saved.", page.Text, StringComparison.Ordinal);
        var customer = await business.Test.GetJsonAsync($"/customers/{id}");
        Assert.Equal("New Name", customer.Str("name"));
        Assert.Equal("+14155550123", customer.Str("phone_number"));

        var bad = await client.PostFormAsync("/test/session/profile?handler=Details", new Dictionary<string, string> { ["Name"] = " ", ["Phone"] = "12345" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("Enter your name", bad.Text, StringComparison.Ordinal);
        Assert.Contains("international format", bad.Text, StringComparison.Ordinal);
        Assert.Equal("New Name", (await business.Test.GetJsonAsync($"/customers/{id}")).Str("name"));

        await client.PostFormAsync("/test/session/profile?handler=Details", new Dictionary<string, string> { ["Name"] = "New Name", ["Phone"] = "" });
        Assert.Null((await business.Test.GetJsonAsync($"/customers/{id}"))["phone_number"]);
    }

    [Fact]
    public async Task Invoice_details_are_checked_by_the_api_rules_and_printed_on_invoices_issued_afterwards()
    {
        var business = await app.CreateBusinessAsync("Invoice Details Co");
        var (client, id, email) = await PortalTestData.SignedInAsync(app, business.Test, "Ines Invoice");
        using var _client = client;
        var checkout = new CheckoutDriver(app, business.Test);
        var before = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(1000), email: email)).Path);
        await client.GetAsync("/test/session/profile");

        // An address without a valid country is refused, named next to the field, and nothing is stored.
        var bad = await client.PostFormAsync("/test/session/profile?handler=Billing", new Dictionary<string, string>
        {
            ["Billing.Street"] = "1 Long Road",
            ["Billing.Country"] = "Utopia",
            ["Billing.TaxId"] = new string('9', 65),
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("Enter the country as a two-letter code", bad.Text, StringComparison.Ordinal);
        Assert.Contains("The tax ID is too long", bad.Text, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", bad.Text, StringComparison.Ordinal);

        var saved = await client.PostFormAsync("/test/session/profile?handler=Billing", new Dictionary<string, string>
        {
            ["Billing.Street"] = "Via Roma 12",
            ["Billing.City"] = "Milano",
            ["Billing.State"] = "MI",
            ["Billing.Zipcode"] = "20121",
            ["Billing.Country"] = "it",
            ["Billing.TaxId"] = "IT12345678901",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var page = await client.GetAsync(saved.Location!);
        Assert.Contains("Invoice details saved.", page.Text, StringComparison.Ordinal);
        Assert.Contains("value=\"Via Roma 12\"", page.Text, StringComparison.Ordinal);
        Assert.Contains("value=\"IT\"", page.Text, StringComparison.Ordinal);

        var after = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(2000), email: email)).Path);
        Assert.Equal(id, after["customer"]!.Str("customer_id"));
        async Task<string> InvoiceTextAsync(string paymentId)
        {
            using var pdf = await business.Test.GetAsync($"/invoices/payments/{paymentId}");
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            return InvoiceTests.ExtractText(await pdf.Content.ReadAsByteArrayAsync());
        }
        var later = await InvoiceTextAsync(after.Str("payment_id"));
        Assert.Contains("Via Roma 12, Milano, MI 20121", later, StringComparison.Ordinal);
        Assert.Contains("Tax ID IT12345678901", later, StringComparison.Ordinal);
        Assert.Contains("· IT", later, StringComparison.Ordinal);
        // An invoice issued before is a snapshot: it keeps what it said.
        var earlier = await InvoiceTextAsync(before.Str("payment_id"));
        Assert.DoesNotContain("Via Roma", earlier, StringComparison.Ordinal);
        Assert.DoesNotContain("Tax ID", earlier, StringComparison.Ordinal);

        // Clearing every field removes the details; the next invoice goes back to the payment's own address.
        await client.GetAsync("/test/session/profile");
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/test/session/profile?handler=Billing", new Dictionary<string, string>())).Status);
        var cleared = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(500), email: email)).Path);
        Assert.DoesNotContain("Via Roma", await InvoiceTextAsync(cleared.Str("payment_id")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_email_takes_effect_only_when_the_new_address_confirms()
    {
        var business = await app.CreateBusinessAsync("Change Co");
        var (client, id, oldEmail) = await PortalTestData.SignedInAsync(app, business.Test, "Mover");
        using var _client = client;
        var newEmail = PortalTestData.UniqueEmail("new");
        await client.GetAsync("/test/session/profile");

        var requested = await client.PostFormAsync("/test/session/profile?handler=Email", new Dictionary<string, string> { ["NewEmail"] = newEmail });
        Assert.Equal(HttpStatusCode.OK, requested.Status);
        Assert.Contains($"We sent a confirmation link to {newEmail}", requested.Text, StringComparison.Ordinal);
        Assert.Equal(oldEmail, (await business.Test.GetJsonAsync($"/customers/{id}")).Str("email"));

        var mail = await Mailbox.WaitForAsync(app, newEmail);
        Assert.Equal("Confirm your new e-mail address for Change Co", mail.Subject);
        var path = Mailbox.PathOf(Mailbox.LinkIn(mail));
        // Opening the link (GET) alone changes nothing.
        using var scanner = new PortalClient(app.BaseAddress);
        Assert.Contains("Confirm your new e-mail address", (await scanner.GetAsync(path)).Text, StringComparison.Ordinal);
        Assert.Equal(oldEmail, (await business.Test.GetJsonAsync($"/customers/{id}")).Str("email"));

        var confirmed = await client.PostFormAsync(path);
        Assert.Contains($"Your e-mail address is now {newEmail}", confirmed.Text, StringComparison.Ordinal);
        Assert.Equal(newEmail, (await business.Test.GetJsonAsync($"/customers/{id}")).Str("email"));
        Assert.Contains(newEmail, (await client.GetAsync("/test/session/profile")).Text, StringComparison.Ordinal);
        // Once only.
        Assert.Equal(HttpStatusCode.Gone, (await client.PostFormAsync(path)).Status);
    }

    [Fact]
    public async Task An_address_used_by_another_customer_is_not_revealed_and_not_taken()
    {
        var business = await app.CreateBusinessAsync();
        var taken = PortalTestData.UniqueEmail("taken");
        await PortalTestData.CreateCustomerAsync(business.Test, taken, "Someone Else");
        var (client, id, oldEmail) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _client = client;
        await client.GetAsync("/test/session/profile");

        var requested = await client.PostFormAsync("/test/session/profile?handler=Email", new Dictionary<string, string> { ["NewEmail"] = taken });
        Assert.Contains($"We sent a confirmation link to {taken}", requested.Text, StringComparison.Ordinal);
        // Queued (or not) in the request's own transaction: nothing for that address now means nothing ever.
        Assert.Empty(await Mailbox.OutboxAsync(taken));
        Assert.Equal(oldEmail, (await business.Test.GetJsonAsync($"/customers/{id}")).Str("email"));

        var invalid = await client.PostFormAsync("/test/session/profile?handler=Email", new Dictionary<string, string> { ["NewEmail"] = "nope" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Status);
        Assert.Contains("Enter a valid e-mail address", invalid.Text, StringComparison.Ordinal);
    }
}
