using System.Globalization;
using Clientele.Features.Checkout;
using Clientele.Features.LicenseKeys;
using Clientele.Features.Portal.Localization;
using Clientele.Platform;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Payments;

/// <summary>
/// The customer's payment receipt and "refund processed" e-mails, queued in the transaction that
/// records the payment or refund, so a rollback sends nothing. The language is the one the customer
/// last chose in the portal, else English (businesses have no language setting yet). The e-mails
/// hold amounts, numbers and token links to the PDFs, and a receipt the license keys its payment
/// issued (they are what was bought); card details never reach them.
/// </summary>
public sealed class PaymentEmails(EmailOutbox outbox, IStringLocalizer<CheckoutText> text, IOptions<PublicUrlOptions> urls, ILogger<PaymentEmails> logger)
{
    public const string ReceiptKind = "payment_receipt";
    public const string RefundKind = "refund_processed";

    private sealed record Recipient(string Email, string Name, string? PortalCulture, string BusinessName, string? AccentColor, long Amount, string Currency);

    /// <summary>Who a payment's receipt goes to, read while its invoice may still await its number.</summary>
    public sealed record ReceiptRecipient(string Email, string Name, string? PortalCulture, string BusinessName, string? AccentColor, long Amount, string Currency, string? Number);

    /// <summary>The receipt's recipient and amounts for a payment that has an invoice (a payment of nothing has none, and no receipt).</summary>
    public async Task<ReceiptRecipient?> LoadReceiptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<ReceiptRecipient>(
            new CommandDefinition("""
                SELECT c.email, c.name, c.portal_culture, b.name AS business_name, b.accent_color, p.total_amount AS amount, p.currency, i.number
                FROM payments p
                JOIN customers c ON c.id = p.customer_id
                JOIN businesses b ON b.id = p.business_id
                JOIN invoices i ON i.payment_id = p.id
                WHERE p.id = @paymentId AND p.business_id = @businessId AND p.mode = @mode
                """, new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));

    /// <summary><see cref="LoadReceiptAsync"/> for several payments in one statement, by payment id; their invoices may not be written yet (no number then).</summary>
    public async Task<IReadOnlyDictionary<string, ReceiptRecipient>> LoadReceiptsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ReceiptRow>(
            new CommandDefinition("""
                SELECT p.id AS payment_id, c.email, c.name, c.portal_culture, b.name AS business_name, b.accent_color, p.total_amount AS amount, p.currency, i.number
                FROM payments p
                JOIN customers c ON c.id = p.customer_id
                JOIN businesses b ON b.id = p.business_id
                LEFT JOIN invoices i ON i.payment_id = p.id
                WHERE p.id = ANY (@paymentIds) AND p.business_id = @businessId AND p.mode = @mode
                """, new { paymentIds = paymentIds.ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken)))
        .ToDictionary(r => r.PaymentId, r => new ReceiptRecipient(r.Email, r.Name, r.PortalCulture, r.BusinessName, r.AccentColor, r.Amount, r.Currency, r.Number));

    private sealed record ReceiptRow(string PaymentId, string Email, string Name, string? PortalCulture, string BusinessName, string? AccentColor, long Amount, string Currency, string? Number);

    /// <summary>Queues the receipt (nothing when <paramref name="recipient"/> is null), with the invoice's number once it has one.</summary>
    public async Task QueueReceiptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, ReceiptRecipient? recipient, string? number, CancellationToken cancellationToken)
    {
        if (recipient is null)
        {
            return;
        }
        // The keys this payment issued (its caller issues them before numbering the invoice, in this
        // transaction): what the buyer paid for, so the receipt carries them. Never logged.
        var keys = await PurchasedKeys.ForPaymentAsync(connection, transaction, tenant, paymentId, cancellationToken);
        var message = Receipt(paymentId, recipient, number, keys);
        await outbox.EnqueueAsync(connection, transaction, EmailScope.For(tenant), message, cancellationToken);
        logger.LogInformation("Receipt for payment {PaymentId} of {BusinessId} ({Mode}) queued in {Culture}", paymentId, tenant.BusinessId, tenant.ModeText, message.Culture);
    }

    /// <summary><see cref="QueueReceiptAsync"/> for several payments of one tenant: their keys read and their receipts queued in one statement each.</summary>
    public async Task QueueReceiptsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant,
        IReadOnlyList<(string PaymentId, ReceiptRecipient? Recipient, string? Number)> receipts, CancellationToken cancellationToken)
    {
        var due = receipts.Where(r => r.Recipient is not null).ToList();
        if (due.Count == 0)
        {
            return;
        }
        var keys = await PurchasedKeys.ForPaymentsAsync(connection, transaction, tenant, [.. due.Select(r => r.PaymentId)], cancellationToken);
        var messages = due.Select(r => Receipt(r.PaymentId, r.Recipient!, r.Number, [.. keys[r.PaymentId]])).ToList();
        await outbox.EnqueueManyAsync(connection, transaction, EmailScope.For(tenant), messages, cancellationToken);
        logger.LogDebug("{Count} receipts of {BusinessId} ({Mode}) queued", messages.Count, tenant.BusinessId, tenant.ModeText);
    }

    private EmailMessage Receipt(string paymentId, ReceiptRecipient recipient, string? number, IReadOnlyList<PurchasedKey> keys)
    {
        var invoiceNumber = number ?? recipient.Number ?? throw new InvalidOperationException($"The invoice of payment {paymentId} has no number yet.");
        var to = new Recipient(recipient.Email, recipient.Name, recipient.PortalCulture, recipient.BusinessName, recipient.AccentColor, recipient.Amount, recipient.Currency);
        var link = $"{PaymentsApi.InvoiceBase(urls.Value)}/invoices/payments/{paymentId}?token={Invoices.DocumentAccess.InvoiceToken(paymentId)}";
        return Render(ReceiptKind, to, link, (amount) =>
        (
            text["ReceiptSubject", to.BusinessName],
            [text["ReceiptIntro", amount, to.BusinessName], text["ReceiptInvoice", invoiceNumber]],
            text["ReceiptButton"]
        ), keys);
    }

    /// <summary>Queues "refund processed" for a succeeded refund with its credit note.</summary>
    public async Task RefundProcessedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string refundId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(string Email, string Name, string? PortalCulture, string BusinessName, string? AccentColor, long Amount, string Currency, string PaymentId, string CreditNoteId)>(
            new CommandDefinition("""
                SELECT c.email, c.name, c.portal_culture, b.name, b.accent_color, r.amount, r.currency, r.payment_id, n.id
                FROM refunds r
                JOIN customers c ON c.id = r.customer_id
                JOIN businesses b ON b.id = r.business_id
                JOIN credit_notes n ON n.refund_id = r.id
                WHERE r.id = @refundId AND r.business_id = @businessId AND r.mode = @mode
                """, new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (row.Email is null)
        {
            return;
        }
        var to = new Recipient(row.Email, row.Name, row.PortalCulture, row.BusinessName, row.AccentColor, row.Amount, row.Currency);
        var link = $"{PaymentsApi.InvoiceBase(urls.Value)}/invoices/refunds/{refundId}?token={Invoices.DocumentAccess.CreditNoteToken(refundId)}";
        var message = Render(RefundKind, to, link, (amount) =>
        (
            text["RefundSubject", to.BusinessName],
            [text["RefundIntro", amount, to.BusinessName], text["RefundReference", row.PaymentId]],
            text["RefundButton"]
        ));
        await outbox.EnqueueAsync(connection, transaction, EmailScope.For(tenant), message, cancellationToken);
        logger.LogInformation("Refund e-mail for refund {RefundId} of {BusinessId} ({Mode}) queued in {Culture}", refundId, tenant.BusinessId, tenant.ModeText, message.Culture);
    }

    private EmailMessage Render(string kind, Recipient to, string link, Func<string, (LocalizedString Subject, LocalizedString[] Lines, LocalizedString Button)> compose,
        IReadOnlyList<PurchasedKey>? keys = null)
    {
        var culture = PortalCultures.Resolve(to.PortalCulture);
        using var scope = CultureScope.Use(culture);
        // Texts follow the language; money needs a region's conventions ("es" → "es-ES").
        var amount = Currency.Find(to.Currency).Format(to.Amount, CurrencyFormats.SpecificCulture(culture.Name));
        var (subject, lines, button) = compose(amount);
        var formats = CurrencyFormats.SpecificCulture(culture.Name);
        var body = new CustomerEmailBody(subject, text["EmailGreeting", to.Name], [.. lines.Select(l => l.Value)], button, link, text["EmailKeep"], to.AccentColor, culture)
        {
            KeysTitle = text["ReceiptKeysEmail"],
            Keys = [.. (keys ?? []).Select(k => new EmailKey(text["ReceiptKeyFor", k.ProductName], k.Key, ReceiptKeyText.Terms(text, k, formats)))],
        };
        return new EmailMessage(kind, to.Email, subject, body.Text(), body.Html(), culture.Name, to.BusinessName);
    }
}
