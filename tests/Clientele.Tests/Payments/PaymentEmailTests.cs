using System.Net;
using Clientele.Features.Payments;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Payments;

/// <summary>The receipt and refund e-mails: queued with the change that causes them, localized, with working PDF links and no card data.</summary>
public sealed class PaymentEmailTests(AppFixture app)
{
    [Fact]
    public async Task A_checkout_sends_exactly_one_receipt_whose_link_opens_the_invoice_pdf()
    {
        var business = await app.CreateBusinessAsync("Receipt Bakery");
        var checkout = new CheckoutDriver(app, business.Test);
        var email = Unique("receipt");
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(1500), email: email)).Path);

        var receipt = await SingleAsync(email, PaymentEmails.ReceiptKind);
        Assert.Equal("Your receipt from Receipt Bakery", receipt.Subject);
        Assert.Equal(business.Id, receipt.BusinessId);
        Assert.Equal("test", receipt.Mode);
        Assert.Contains("$15.00", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("TEST-INV-000001", receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains("TEST-INV-000001", receipt.HtmlBody, StringComparison.Ordinal);
        var link = Mailbox.LinkIn(receipt);
        Assert.Equal(payment.Str("invoice_url"), link);
        Assert.DoesNotContain("4242", receipt.TextBody + receipt.HtmlBody, StringComparison.Ordinal);

        using var anonymous = app.CreateAnonymousClient();
        using var pdf = await anonymous.GetAsync(Mailbox.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Contains("TEST-INV-000001", InvoiceTests.ExtractText(await pdf.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declined_card_queues_no_receipt()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var email = Unique("declined");
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync(), email: email);
        using var response = await checkout.PayAsync(path, CheckoutDriver.Declined);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(0, await QueuedAsync(email));
    }

    [Fact]
    public async Task A_refund_sends_refund_processed_in_the_customers_language_with_the_credit_note_link()
    {
        var business = await app.CreateBusinessAsync("Reembolsos Ltda");
        var checkout = new CheckoutDriver(app, business.Test);
        var email = Unique("refund");
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(2500), email: email)).Path);
        // The language the customer chose in the portal decides the e-mail's language.
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.ExecuteAsync("UPDATE customers SET portal_culture = 'pt-BR' WHERE id = @id", new { id = payment["customer"]!.Str("customer_id") });
        }
        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = payment.Str("payment_id") });

        var mail = await SingleAsync(email, PaymentEmails.RefundKind);
        Assert.Equal("Seu reembolso de Reembolsos Ltda foi processado", mail.Subject);
        Assert.Matches(@"reembolsou USD\s25,00 ", mail.TextBody);
        Assert.Contains(payment.Str("payment_id"), mail.TextBody, StringComparison.Ordinal);
        var link = Mailbox.LinkIn(mail);
        Assert.StartsWith($"{app.BaseAddress}invoices/refunds/{refund.Str("refund_id")}?token=", link, StringComparison.Ordinal);

        using var anonymous = app.CreateAnonymousClient();
        using var pdf = await anonymous.GetAsync(Mailbox.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Contains("TEST-CN-000001", InvoiceTests.ExtractText(await pdf.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receipt_queued_in_a_transaction_that_rolls_back_is_never_sent()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var email = Unique("rollback");
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(), email: email)).Path);
        await SingleAsync(email, PaymentEmails.ReceiptKind);

        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            var emails = app.Services.GetRequiredService<PaymentEmails>();
            var tenant = new Tenant(business.Id, Mode.Test);
            var recipient = await emails.LoadReceiptAsync(connection, transaction, tenant, payment.Str("payment_id"), TestContext.Current.CancellationToken);
            await emails.QueueReceiptAsync(connection, transaction, tenant, payment.Str("payment_id"), recipient, number: null, TestContext.Current.CancellationToken);
            Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM email_outbox WHERE recipient = @email", new { email }, transaction));
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, await QueuedAsync(email));
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>Everything queued for a recipient, sent or not (the outbox itself, not only the dev mailbox).</summary>
    private static async Task<long> QueuedAsync(string email)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM email_outbox WHERE recipient = @email", new { email });
    }

    /// <summary>Waits for delivery to the dev mailbox and asserts exactly one message of that kind reached the recipient.</summary>
    private async Task<DevMail> SingleAsync(string email, string kind)
    {
        var mailbox = app.Services.GetRequiredService<DevMailbox>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var mail = (await mailbox.ListAsync(email, 50, CancellationToken.None)).Where(m => m.Kind == kind).ToList();
            if (mail.Count > 0)
            {
                Assert.Single(mail);
                return mail[0];
            }
            Assert.True(DateTime.UtcNow < deadline, $"No {kind} e-mail reached {email}.");
            await Task.Delay(100);
        }
    }
}
