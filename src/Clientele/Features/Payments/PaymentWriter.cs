using System.Text.Json;
using Clientele.Features.Checkout;
using Clientele.Features.Invoices;
using Clientele.Features.LicenseKeys;
using Clientele.Features.Payments.Processor;
using Clientele.Features.Webhooks;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments;

/// <summary>Writes a checkout's payment: its row and lines first, then its outcome with everything that follows in one transaction.</summary>
public sealed class PaymentWriter(NpgsqlDataSource dataSource, TimeProvider clock, PaymentEvents events, PaymentEmails emails, EmailDispatchSignal mailSignal,
    LicenseKeyIssuer licenseKeys, Subscriptions.SubscriptionService subscriptions)
{
    /// <summary>The session's one payment, created on the first attempt and reused by retries.</summary>
    public async Task<string> EnsurePaymentAsync(CheckoutSession session, string customerId, BillingAddress billing, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var paymentId = await connection.QuerySingleAsync<string>(new CommandDefinition("""
            INSERT INTO payments (id, business_id, mode, customer_id, checkout_session_id, status, currency, total_amount, billing, metadata, created_at, updated_at)
            VALUES (@id, @businessId, @mode, @customerId, @sessionId, 'processing', @currency, @total, @billing::jsonb, @metadata::jsonb, @now, @now)
            ON CONFLICT (checkout_session_id) DO UPDATE SET status = 'processing', retry_attempt = payments.retry_attempt + 1,
                customer_id = excluded.customer_id, billing = excluded.billing, error_code = NULL, error_message = NULL, updated_at = excluded.updated_at
            RETURNING id
            """,
            new
            {
                id = Ids.New(Ids.Payment),
                businessId = session.BusinessId,
                mode = session.Mode,
                customerId,
                sessionId = session.Id,
                currency = session.Currency,
                total = session.TotalAmount,
                billing = JsonSerializer.Serialize(billing, CheckoutJson.Options),
                metadata = session.Metadata,
                now,
            }, transaction, cancellationToken: cancellationToken));
        var lines = session.Lines;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payment_line_items (payment_id, product_id, business_id, mode, position, name, description, quantity, unit_amount, discount_amount, amount)
            SELECT @paymentId, l.product_id, @businessId, @mode, l.position - 1, l.name, l.description, l.quantity, l.unit_amount, l.discount_amount, l.amount
            FROM unnest(@productIds::text[], @names::text[], @descriptions::text[], @quantities::int[], @units::bigint[], @discounts::bigint[], @amounts::bigint[])
                WITH ORDINALITY AS l(product_id, name, description, quantity, unit_amount, discount_amount, amount, position)
            ON CONFLICT (payment_id, product_id) DO NOTHING;
            UPDATE checkout_sessions SET payment_id = @paymentId WHERE id = @sessionId AND business_id = @businessId AND mode = @mode;
            """,
            new
            {
                paymentId,
                sessionId = session.Id,
                businessId = session.BusinessId,
                mode = session.Mode,
                productIds = lines.Select(l => l.ProductId).ToArray(),
                names = lines.Select(l => l.Name).ToArray(),
                descriptions = lines.Select(l => l.Description).ToArray(),
                quantities = lines.Select(l => l.Quantity).ToArray(),
                units = lines.Select(l => l.UnitAmount).ToArray(),
                discounts = lines.Select(l => l.DiscountAmount).ToArray(),
                amounts = lines.Select(l => l.Amount).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return paymentId;
    }

    public async Task<string> CustomerOfAsync(Tenant tenant, string paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT customer_id FROM payments WHERE id = @paymentId AND business_id = @businessId AND mode = @mode",
            new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records a charge's outcome. Success: the card is saved, the payment succeeds, its invoice is
    /// numbered and the session completes, all or nothing. Decline: the payment fails with the
    /// reason and the session opens again for another card.
    /// </summary>
    public async Task<bool> FinishAsync(CheckoutSession session, string attemptKey, string paymentId, string customerId, CardToken card, ChargeResult? charge, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = session.Tenant;
        var succeeded = charge is null || charge.Succeeded;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? paymentMethodId = null;
        if (succeeded)
        {
            paymentMethodId = await connection.QuerySingleAsync<string>(new CommandDefinition("""
                INSERT INTO payment_methods (id, business_id, mode, customer_id, processor_token, card_network, card_type, last4, expiry_month, expiry_year,
                    fingerprint, card_holder_name, last_used_at, created_at)
                VALUES (@id, @businessId, @mode, @customerId, @Token, @Network, @CardType, @Last4, @ExpiryMonth, @ExpiryYear, @Fingerprint, @HolderName, @now, @now)
                ON CONFLICT (customer_id, fingerprint) WHERE deleted_at IS NULL DO UPDATE SET processor_token = excluded.processor_token,
                    expiry_month = excluded.expiry_month, expiry_year = excluded.expiry_year, last_used_at = excluded.last_used_at
                RETURNING id
                """,
                new
                {
                    id = Ids.New(Ids.PaymentMethod),
                    businessId = tenant.BusinessId,
                    mode = tenant.ModeText,
                    customerId,
                    card.Token,
                    card.Network,
                    card.CardType,
                    card.Last4,
                    card.ExpiryMonth,
                    card.ExpiryYear,
                    card.Fingerprint,
                    card.HolderName,
                    now,
                }, transaction, cancellationToken: cancellationToken));
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET status = @status, payment_method_id = @paymentMethodId, card_network = @Network, card_type = @CardType,
                card_last_four = @Last4, card_holder_name = @HolderName, processor_charge_id = @chargeId,
                error_code = @errorCode, error_message = @errorMessage, updated_at = @now
            WHERE id = @paymentId AND business_id = @businessId AND mode = @mode
            """,
            new
            {
                status = succeeded ? "succeeded" : "failed",
                paymentMethodId,
                card.Network,
                card.CardType,
                card.Last4,
                card.HolderName,
                chargeId = charge?.ChargeId,
                errorCode = charge?.FailureCode,
                errorMessage = charge?.FailureCode is { } code ? DeclineMessages.English(code) : null,
                now,
                paymentId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
            }, transaction, cancellationToken: cancellationToken));
        if (!succeeded)
        {
            await CheckoutStore.ReleaseAsync(connection, transaction, session, attemptKey, now, cancellationToken);
            await events.PaymentAsync(connection, transaction, tenant, paymentId, WebhookEventTypes.PaymentFailed, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return false;
        }
        await DocumentNumbers.IssueInvoiceAsync(connection, transaction, tenant, paymentId, now, cancellationToken);
        if (!await CheckoutStore.CompleteAsync(connection, transaction, session, attemptKey, paymentId, now, cancellationToken))
        {
            // Another path (a recovery pass) already finished this attempt; it recorded the same charge.
            await transaction.RollbackAsync(cancellationToken);
            return true;
        }
        await events.PaymentAsync(connection, transaction, tenant, paymentId, WebhookEventTypes.PaymentSucceeded, cancellationToken);
        if (session.SubscriptionId is null)
        {
            await licenseKeys.IssueForPaymentAsync(connection, transaction, tenant, paymentId, subscriptionId: null, cancellationToken);
        }
        else
        {
            // A session tied to a subscription starts or repairs it (after payment.succeeded, as the seeds' order says); it issues the keys itself.
            await subscriptions.CheckoutPaidAsync(connection, transaction, session, paymentId, paymentMethodId, cancellationToken);
        }
        await emails.ReceiptAsync(connection, transaction, tenant, paymentId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
        return true;
    }
}

/// <summary>The processor's decline codes in words for the API's error_message (the page localises its own).</summary>
public static class DeclineMessages
{
    public static string English(string code) => code switch
    {
        "card_declined" => "The card was declined.",
        "insufficient_funds" => "The card has insufficient funds.",
        _ => "The payment could not be completed.",
    };
}
