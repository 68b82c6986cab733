using Clientele.Features.Invoices;
using Clientele.Features.Webhooks;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments;

/// <summary>One line of a payment, in the payment's currency.</summary>
public sealed record PaymentLine(string ProductId, string Name, string? Description, int Quantity, long UnitAmount, long Amount, long DiscountAmount = 0);

/// <summary>The saved card a payment is (to be) made with, as the payment row shows it: never the number.</summary>
public sealed record CardUsed(string? PaymentMethodId, string? Network, string? CardType, string? Last4, string? HolderName);

/// <summary>A succeeded payment's invoice (null for a payment of nothing), still to be numbered, and its receipt's recipient.</summary>
public sealed record IssuedInvoice(string PaymentId, string? InvoiceId, PaymentEmails.ReceiptRecipient? Receipt);

/// <summary>A payment to write: its header, lines and what it belongs to.</summary>
public sealed record NewPayment(Tenant Tenant, string CustomerId, string Status, Money Total, string? BillingJson, string MetadataJson, IReadOnlyList<PaymentLine> Lines)
{
    public string? SubscriptionId { get; init; }

    public string? CheckoutSessionId { get; init; }

    /// <summary>The payment that saves a new card for a subscription (and pays its dues).</summary>
    public bool IsUpdatePaymentMethod { get; init; }

    public CardUsed? Card { get; init; }
}

/// <summary>
/// The one writer of <c>payments</c> and <c>payment_line_items</c>: every insert and every status
/// change goes through here, inside the caller's transaction (checkout, subscriptions). A payment
/// that succeeds gets its invoice number, <c>payment.succeeded</c> and its receipt in that same
/// transaction; a declined one <c>payment.failed</c>. Callers outside Payments never write these tables.
/// </summary>
public sealed class PaymentRecorder(PaymentEvents events, PaymentEmails emails)
{
    public static async Task<string> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewPayment payment, DateTime now, CancellationToken cancellationToken)
    {
        var paymentId = Ids.New(Ids.Payment);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payments (id, business_id, mode, customer_id, checkout_session_id, subscription_id, status, currency, total_amount, billing, metadata,
                payment_method_id, card_network, card_type, card_last_four, card_holder_name, is_update_payment_method, created_at, updated_at)
            VALUES (@paymentId, @businessId, @mode, @customerId, @sessionId, @subscriptionId, @status, @currency, @amount, @billing::jsonb, @metadata::jsonb,
                @methodId, @network, @cardType, @last4, @holder, @isUpdate, @now, @now)
            """,
            new
            {
                paymentId,
                businessId = payment.Tenant.BusinessId,
                mode = payment.Tenant.ModeText,
                customerId = payment.CustomerId,
                sessionId = payment.CheckoutSessionId,
                subscriptionId = payment.SubscriptionId,
                status = payment.Status,
                currency = payment.Total.Code,
                amount = payment.Total.Amount,
                billing = payment.BillingJson,
                metadata = payment.MetadataJson,
                methodId = payment.Card?.PaymentMethodId,
                network = payment.Card?.Network,
                cardType = payment.Card?.CardType,
                last4 = payment.Card?.Last4,
                holder = payment.Card?.HolderName,
                isUpdate = payment.IsUpdatePaymentMethod,
                now,
            }, transaction, cancellationToken: cancellationToken));
        await InsertLinesAsync(connection, transaction, payment.Tenant, paymentId, payment.Lines, cancellationToken);
        return paymentId;
    }

    /// <summary>A checkout session's one payment: created on the first attempt, set back to processing by each retry.</summary>
    public static async Task<string> OpenForCheckoutAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewPayment payment, DateTime now, CancellationToken cancellationToken)
    {
        var paymentId = await connection.QuerySingleAsync<string>(new CommandDefinition("""
            INSERT INTO payments (id, business_id, mode, customer_id, checkout_session_id, status, currency, total_amount, billing, metadata, is_update_payment_method,
                created_at, updated_at)
            VALUES (@id, @businessId, @mode, @customerId, @sessionId, 'processing', @currency, @total, @billing::jsonb, @metadata::jsonb, @isUpdate, @now, @now)
            ON CONFLICT (checkout_session_id) DO UPDATE SET status = 'processing', retry_attempt = payments.retry_attempt + 1,
                customer_id = excluded.customer_id, billing = excluded.billing, error_code = NULL, error_message = NULL, updated_at = excluded.updated_at
            RETURNING id
            """,
            new
            {
                id = Ids.New(Ids.Payment),
                businessId = payment.Tenant.BusinessId,
                mode = payment.Tenant.ModeText,
                customerId = payment.CustomerId,
                sessionId = payment.CheckoutSessionId,
                currency = payment.Total.Code,
                total = payment.Total.Amount,
                billing = payment.BillingJson,
                metadata = payment.MetadataJson,
                isUpdate = payment.IsUpdatePaymentMethod,
                now,
            }, transaction, cancellationToken: cancellationToken));
        await InsertLinesAsync(connection, transaction, payment.Tenant, paymentId, payment.Lines, cancellationToken);
        return paymentId;
    }

    /// <summary>
    /// The payment succeeded: its status (and the card, when given), its invoice, the card's last use and
    /// <c>payment.succeeded</c>, in the caller's transaction. The caller writes the rest of its transaction
    /// (license keys, the subscription), then calls <see cref="NumberInvoiceAndQueueReceiptAsync"/> last: the
    /// business's invoice counter is locked only for the end of the transaction (renewals of one business take
    /// turns on it), and the receipt sees everything the payment caused (its license keys). A transaction that
    /// forgets cannot commit (a deferred check on <c>invoices</c>).
    /// </summary>
    public async Task<IssuedInvoice> RecordSucceededAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, string? processorChargeId, CardUsed? card, DateTime now, CancellationToken cancellationToken)
    {
        await SetStatusAsync(connection, transaction, tenant, paymentId, "succeeded", processorChargeId, null, card, now, cancellationToken);
        var invoiceId = await DocumentNumbers.IssueInvoiceAsync(connection, transaction, tenant, paymentId, now, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE payment_methods SET last_used_at = @now
            WHERE id = (SELECT payment_method_id FROM payments WHERE id = @paymentId AND business_id = @businessId AND mode = @mode) AND business_id = @businessId AND mode = @mode
            """, new { now, paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        await events.PaymentAsync(connection, transaction, tenant, paymentId, WebhookEventTypes.PaymentSucceeded, cancellationToken);
        var receipt = invoiceId is null ? null : await emails.LoadReceiptAsync(connection, transaction, tenant, paymentId, cancellationToken);
        return new IssuedInvoice(paymentId, invoiceId, receipt);
    }

    /// <summary>The invoice's number (one statement, taking the business's counter) and then the receipt that shows it.</summary>
    public async Task NumberInvoiceAndQueueReceiptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IssuedInvoice issued, CancellationToken cancellationToken)
    {
        if (issued.InvoiceId is null)
        {
            return;
        }
        var number = await DocumentNumbers.NumberInvoiceAsync(connection, transaction, tenant, issued.InvoiceId, cancellationToken);
        await emails.QueueReceiptAsync(connection, transaction, tenant, issued.PaymentId, issued.Receipt, number, cancellationToken);
    }

    /// <summary>The payment was declined (<paramref name="failureCode"/>): its status and reason, and <c>payment.failed</c>.</summary>
    public async Task FailedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, string? processorChargeId, string failureCode, CardUsed? card, DateTime now, CancellationToken cancellationToken)
    {
        await SetStatusAsync(connection, transaction, tenant, paymentId, "failed", processorChargeId, failureCode, card, now, cancellationToken);
        await events.PaymentAsync(connection, transaction, tenant, paymentId, WebhookEventTypes.PaymentFailed, cancellationToken);
    }

    private static Task<int> SetStatusAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, string status, string? processorChargeId, string? failureCode, CardUsed? card, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET status = @status, processor_charge_id = @chargeId, error_code = @failureCode, error_message = @errorMessage,
                payment_method_id = CASE WHEN @withCard THEN @methodId ELSE payment_method_id END,
                card_network = CASE WHEN @withCard THEN @network ELSE card_network END,
                card_type = CASE WHEN @withCard THEN @cardType ELSE card_type END,
                card_last_four = CASE WHEN @withCard THEN @last4 ELSE card_last_four END,
                card_holder_name = CASE WHEN @withCard THEN @holder ELSE card_holder_name END,
                updated_at = @now
            WHERE id = @paymentId AND business_id = @businessId AND mode = @mode
            """,
            new
            {
                status,
                chargeId = string.IsNullOrEmpty(processorChargeId) ? null : processorChargeId,
                failureCode,
                errorMessage = failureCode is null ? null : DeclineMessages.English(failureCode),
                withCard = card is not null,
                methodId = card?.PaymentMethodId,
                network = card?.Network,
                cardType = card?.CardType,
                last4 = card?.Last4,
                holder = card?.HolderName,
                now,
                paymentId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
            }, transaction, cancellationToken: cancellationToken));

    private static Task<int> InsertLinesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, IReadOnlyList<PaymentLine> lines, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payment_line_items (payment_id, product_id, business_id, mode, position, name, description, quantity, unit_amount, discount_amount, amount)
            SELECT @paymentId, l.product_id, @businessId, @mode, l.position - 1, l.name, l.description, l.quantity, l.unit_amount, l.discount_amount, l.amount
            FROM unnest(@productIds::text[], @names::text[], @descriptions::text[], @quantities::int[], @units::bigint[], @discounts::bigint[], @amounts::bigint[])
                WITH ORDINALITY AS l(product_id, name, description, quantity, unit_amount, discount_amount, amount, position)
            ON CONFLICT (payment_id, product_id) DO NOTHING
            """,
            new
            {
                paymentId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                productIds = lines.Select(l => l.ProductId).ToArray(),
                names = lines.Select(l => l.Name).ToArray(),
                descriptions = lines.Select(l => l.Description).ToArray(),
                quantities = lines.Select(l => l.Quantity).ToArray(),
                units = lines.Select(l => l.UnitAmount).ToArray(),
                discounts = lines.Select(l => l.DiscountAmount).ToArray(),
                amounts = lines.Select(l => l.Amount).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
}
