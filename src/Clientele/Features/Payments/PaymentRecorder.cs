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

/// <summary>
/// A succeeded payment's invoice (null for a payment of nothing), still to be numbered, and its receipt's recipient.
/// <paramref name="Unwritten"/>: the invoice's id is chosen but its row is written, numbered, only at the end (batches).
/// </summary>
public sealed record IssuedInvoice(string PaymentId, string? InvoiceId, PaymentEmails.ReceiptRecipient? Receipt, bool Unwritten = false);

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

    /// <summary><see cref="CreateAsync"/> for several payments of one tenant: two statements for the lot. Returns their ids in order.</summary>
    public static async Task<IReadOnlyList<string>> CreateManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<NewPayment> payments, DateTime now, CancellationToken cancellationToken)
    {
        var ids = payments.Select(_ => Ids.New(Ids.Payment)).ToArray();
        var lines = payments.SelectMany((p, i) => p.Lines.Select((l, position) => (PaymentId: ids[i], Position: position, Line: l))).ToList();
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payments (id, business_id, mode, customer_id, checkout_session_id, subscription_id, status, currency, total_amount, billing, metadata,
                payment_method_id, card_network, card_type, card_last_four, card_holder_name, is_update_payment_method, created_at, updated_at)
            SELECT v.id, @businessId, @mode, v.customer_id, v.session_id, v.subscription_id, v.status, v.currency, v.amount, v.billing::jsonb, v.metadata::jsonb,
                v.method_id, v.network, v.card_type, v.last4, v.holder, v.is_update, @now, @now
            FROM unnest(@ids::text[], @customerIds::text[], @sessionIds::text[], @subscriptionIds::text[], @statuses::text[], @currencies::text[], @amounts::bigint[],
                    @billings::text[], @metadata::text[], @methodIds::text[], @networks::text[], @cardTypes::text[], @last4s::text[], @holders::text[], @isUpdates::boolean[])
                WITH ORDINALITY AS v(id, customer_id, session_id, subscription_id, status, currency, amount, billing, metadata, method_id, network, card_type, last4, holder, is_update, position)
            ORDER BY v.position;
            INSERT INTO payment_line_items (payment_id, product_id, business_id, mode, position, name, description, quantity, unit_amount, discount_amount, amount)
            SELECT l.payment_id, l.product_id, @businessId, @mode, l.position, l.name, l.description, l.quantity, l.unit_amount, l.discount_amount, l.amount
            FROM unnest(@linePaymentIds::text[], @lineProductIds::text[], @linePositions::int[], @lineNames::text[], @lineDescriptions::text[], @lineQuantities::int[],
                    @lineUnits::bigint[], @lineDiscounts::bigint[], @lineAmounts::bigint[])
                AS l(payment_id, product_id, position, name, description, quantity, unit_amount, discount_amount, amount)
            ON CONFLICT (payment_id, product_id) DO NOTHING;
            """,
            new
            {
                ids,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                customerIds = payments.Select(p => p.CustomerId).ToArray(),
                sessionIds = payments.Select(p => p.CheckoutSessionId).ToArray(),
                subscriptionIds = payments.Select(p => p.SubscriptionId).ToArray(),
                statuses = payments.Select(p => p.Status).ToArray(),
                currencies = payments.Select(p => p.Total.Code).ToArray(),
                amounts = payments.Select(p => p.Total.Amount).ToArray(),
                billings = payments.Select(p => p.BillingJson).ToArray(),
                metadata = payments.Select(p => p.MetadataJson).ToArray(),
                methodIds = payments.Select(p => p.Card?.PaymentMethodId).ToArray(),
                networks = payments.Select(p => p.Card?.Network).ToArray(),
                cardTypes = payments.Select(p => p.Card?.CardType).ToArray(),
                last4s = payments.Select(p => p.Card?.Last4).ToArray(),
                holders = payments.Select(p => p.Card?.HolderName).ToArray(),
                isUpdates = payments.Select(p => p.IsUpdatePaymentMethod).ToArray(),
                linePaymentIds = lines.Select(l => l.PaymentId).ToArray(),
                lineProductIds = lines.Select(l => l.Line.ProductId).ToArray(),
                linePositions = lines.Select(l => l.Position).ToArray(),
                lineNames = lines.Select(l => l.Line.Name).ToArray(),
                lineDescriptions = lines.Select(l => l.Line.Description).ToArray(),
                lineQuantities = lines.Select(l => l.Line.Quantity).ToArray(),
                lineUnits = lines.Select(l => l.Line.UnitAmount).ToArray(),
                lineDiscounts = lines.Select(l => l.Line.DiscountAmount).ToArray(),
                lineAmounts = lines.Select(l => l.Line.Amount).ToArray(),
                now,
            }, transaction, cancellationToken: cancellationToken));
        return ids;
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

    /// <summary>
    /// <see cref="RecordSucceededAsync"/> for several payments of one tenant (each with its processor charge id, if any):
    /// the same rows and events in a fixed number of statements for the lot, except the invoices: their ids are chosen
    /// now (<c>payment.succeeded</c> carries them) and their rows are written already numbered, by
    /// <see cref="NumberInvoicesAndQueueReceiptsAsync"/>, which the caller runs last.
    /// </summary>
    public async Task<IReadOnlyList<IssuedInvoice>> RecordManySucceededAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant,
        IReadOnlyList<(string PaymentId, string? ProcessorChargeId)> succeeded, DateTime now, CancellationToken cancellationToken)
    {
        if (succeeded.Count == 0)
        {
            return [];
        }
        var paymentIds = succeeded.Select(s => s.PaymentId).ToArray();
        var states = (await connection.QueryAsync<(string Id, long Total, string? InvoiceId)>(new CommandDefinition("""
            UPDATE payments p SET status = 'succeeded', processor_charge_id = nullif(v.charge_id, ''), error_code = NULL, error_message = NULL, updated_at = @now
            FROM unnest(@paymentIds::text[], @chargeIds::text[]) AS v(id, charge_id)
            WHERE p.id = v.id AND p.business_id = @businessId AND p.mode = @mode
            RETURNING p.id, p.total_amount, (SELECT i.id FROM invoices i WHERE i.payment_id = p.id);
            UPDATE payment_methods m SET last_used_at = @now
            FROM payments p
            WHERE p.id = ANY (@paymentIds) AND p.business_id = @businessId AND p.mode = @mode
              AND m.id = p.payment_method_id AND m.business_id = @businessId AND m.mode = @mode;
            """,
            new { paymentIds, chargeIds = succeeded.Select(s => s.ProcessorChargeId ?? "").ToArray(), now, businessId = tenant.BusinessId, mode = tenant.ModeText },
            transaction, cancellationToken: cancellationToken))).ToDictionary(s => s.Id);
        // At most one invoice per payment with an amount (as IssueInvoiceAsync); a unique index backs it.
        var unwritten = states.Values.Where(s => s.InvoiceId is null && s.Total > 0).ToDictionary(s => s.Id, _ => Ids.New(Ids.Invoice));
        await events.PaymentsAsync(connection, transaction, tenant, paymentIds, WebhookEventTypes.PaymentSucceeded, cancellationToken, unwritten);
        var invoiced = paymentIds.Where(id => unwritten.ContainsKey(id) || states.GetValueOrDefault(id).InvoiceId is not null).ToList();
        var receipts = await emails.LoadReceiptsAsync(connection, transaction, tenant, invoiced, cancellationToken);
        return [.. paymentIds.Select(id => unwritten.TryGetValue(id, out var invoiceId)
            ? new IssuedInvoice(id, invoiceId, receipts.GetValueOrDefault(id), Unwritten: true)
            : new IssuedInvoice(id, states.GetValueOrDefault(id).InvoiceId, receipts.GetValueOrDefault(id)))];
    }

    /// <summary>
    /// The end of <see cref="RecordManySucceededAsync"/>: one statement takes the business's counter once and writes the
    /// unwritten invoices numbered in order, then their receipts go to the outbox in one more.
    /// </summary>
    public async Task NumberInvoicesAndQueueReceiptsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<IssuedInvoice> issued, DateTime now, CancellationToken cancellationToken)
    {
        var unwritten = issued.Where(i => i.Unwritten).ToList();
        var numbers = unwritten.Count == 0 ? new Dictionary<string, string>()
            : await DocumentNumbers.IssueNumberedInvoicesAsync(connection, transaction, tenant, [.. unwritten.Select(i => (i.PaymentId, i.InvoiceId!))], now, cancellationToken);
        await emails.QueueReceiptsAsync(connection, transaction, tenant,
            [.. issued.Where(i => i.InvoiceId is not null).Select(i => (i.PaymentId, i.Receipt, numbers.GetValueOrDefault(i.InvoiceId!)))], cancellationToken);
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
