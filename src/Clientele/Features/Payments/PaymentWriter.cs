using System.Text.Json;
using Clientele.Features.Checkout;
using Clientele.Features.LicenseKeys;
using Clientele.Features.Payments.Processor;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments;

/// <summary>
/// A hosted-page payment: its row and lines first, then its outcome with everything that follows in
/// one transaction (through <see cref="PaymentRecorder"/>, the one writer of payments).
/// </summary>
public sealed class PaymentWriter(NpgsqlDataSource dataSource, TimeProvider clock, PaymentRecorder recorder, EmailDispatchSignal mailSignal,
    LicenseKeyIssuer licenseKeys, ISubscriptionPayments subscriptionPayments)
{
    /// <summary>The session's one payment, created on the first attempt and reused by retries.</summary>
    public async Task<string> EnsurePaymentAsync(CheckoutSession session, string customerId, BillingAddress billing, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var payment = new NewPayment(session.Tenant, customerId, "processing", Money.Of(session.TotalAmount, session.Currency),
            JsonSerializer.Serialize(billing, CheckoutJson.Options), session.Metadata,
            [.. session.Lines.Select(l => new PaymentLine(l.ProductId, l.Name, l.Description, l.Quantity, l.UnitAmount, l.Amount, l.DiscountAmount))])
        {
            CheckoutSessionId = session.Id,
            IsUpdatePaymentMethod = session.SavesCardOnly,
        };
        var paymentId = await PaymentRecorder.OpenForCheckoutAsync(connection, transaction, payment, now, cancellationToken);
        await CheckoutStore.AttachPaymentAsync(connection, transaction, session.Tenant, session.Id, paymentId, cancellationToken);
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
        var used = new CardUsed(paymentMethodId, card.Network, card.CardType, card.Last4, card.HolderName);
        if (!succeeded)
        {
            await recorder.FailedAsync(connection, transaction, tenant, paymentId, charge?.ChargeId, charge!.FailureCode ?? "card_declined", used, now, cancellationToken);
            await CheckoutStore.ReleaseAsync(connection, transaction, session, attemptKey, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return false;
        }
        if (!await CheckoutStore.CompleteAsync(connection, transaction, session, attemptKey, paymentId, now, cancellationToken))
        {
            // Another path (a recovery pass) already finished this attempt; it recorded the same charge.
            await transaction.RollbackAsync(cancellationToken);
            return true;
        }
        var issued = await recorder.RecordSucceededAsync(connection, transaction, tenant, paymentId, charge?.ChargeId, used, now, cancellationToken);
        if (session.SubscriptionId is null)
        {
            await licenseKeys.IssueForPaymentAsync(connection, transaction, tenant, paymentId, subscriptionId: null, cancellationToken);
        }
        else
        {
            // A session tied to a subscription starts or repairs it (after payment.succeeded, as the seeds' order says); it issues the keys itself.
            await subscriptionPayments.PaidAsync(connection, transaction, session, paymentId, paymentMethodId, cancellationToken);
        }
        // Last: the invoice's number, then the receipt, which now finds the keys issued above and carries them.
        await recorder.NumberInvoiceAndQueueReceiptAsync(connection, transaction, tenant, issued, cancellationToken);
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

/// <summary>
/// What a hosted-page payment tied to a subscription sets in motion (start it, or take the new card
/// and pay its dues), told inside the transaction that records the payment. Subscriptions implements
/// it, so Payments never depends on Subscriptions.
/// </summary>
public interface ISubscriptionPayments
{
    Task PaidAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CheckoutSession session, string paymentId, string? paymentMethodId, CancellationToken cancellationToken);
}
