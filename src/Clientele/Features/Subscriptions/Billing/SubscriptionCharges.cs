using System.Text.Json;
using Clientele.Features.Payments;
using Clientele.Features.Payments.Processor;
using Clientele.Features.Wallets;
using Clientele.Platform.Email;
using Clientele.Platform.Telemetry;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions.Billing;

/// <summary>
/// Charges subscriptions in three steps, each crash-safe. (1) <see cref="StartAsync"/>, in the
/// caller's transaction that holds the subscription's row lock: the payment (processing, written by
/// Payments' <see cref="PaymentRecorder"/>), the wallet part (debited now) and the charge row with
/// its idempotency key, and the subscription marked as having a charge in flight. (2) The processor
/// is asked for the card part with that key. (3) <see cref="FinishAsync"/> records the outcome with
/// everything that follows in one transaction: payment, invoice, subscription state
/// (<see cref="SubscriptionTransitions"/>), webhook events and e-mails. A process that dies between
/// (1) and (3) leaves a processing charge; after its lease the recovery pass asks the processor by
/// the same key and finishes it, so a period is never charged twice.
/// </summary>
public sealed class SubscriptionCharges(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    PaymentProcessors processors,
    PaymentRecorder payments,
    WalletLedger wallets,
    SubscriptionTransitions transitions,
    EmailDispatchSignal mailSignal,
    IOptions<SubscriptionOptions> options,
    ILogger<SubscriptionCharges> logger)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Step 1. The caller holds the subscription's row lock and commits.</summary>
    public async Task<StartedCharge> StartAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, ChargeRequestPlan plan, CancellationToken cancellationToken)
    {
        var now = Now;
        var tenant = subscription.Tenant;
        var chargeId = Ids.New(Ids.SubscriptionCharge);
        var key = plan.PeriodStart is { } period
            ? $"sub:{subscription.Id}:renewal:{period.Ticks}"
            : plan.IdempotencyKey is { } callerKey ? ChargeRequestPlan.KeyOf(subscription.Id, plan.Kind, callerKey) : $"sub:{subscription.Id}:{plan.Kind}:{chargeId}";
        var method = plan.PaymentMethodId is null ? default : await connection.QuerySingleOrDefaultAsync<(string Token, string Network, string CardType, string Last4, string? HolderName)>(new CommandDefinition("""
            SELECT processor_token, card_network, card_type, last4, card_holder_name FROM payment_methods
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
            """, new { id = plan.PaymentMethodId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        var methodId = method.Token is null ? null : plan.PaymentMethodId;
        var total = Money.Of(plan.Amount, subscription.Currency);

        var paymentId = await PaymentRecorder.CreateAsync(connection, transaction,
            new NewPayment(tenant, subscription.CustomerId, "processing", total, subscription.Billing, plan.MetadataJson,
                [new PaymentLine(plan.LineProductId, plan.LineName, plan.LineDescription, plan.LineQuantity, plan.LineUnitAmount, plan.Amount)])
            {
                SubscriptionId = subscription.Id,
                IsUpdatePaymentMethod = plan.Kind == ChargeKinds.Dues,
                Card = methodId is null ? null : new CardUsed(methodId, method.Network, method.CardType, method.Last4, method.HolderName),
            }, now, cancellationToken);

        var walletPart = plan.UseWallet ? await TakeFromWalletAsync(connection, transaction, subscription, total, paymentId, cancellationToken) : Money.Zero(total.Currency);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO subscription_charges (id, business_id, mode, subscription_id, payment_id, kind, period_start, idempotency_key, payment_method_id,
                amount, wallet_amount, status, settlement, is_due, claimed_until, created_at)
            VALUES (@chargeId, @businessId, @mode, @subscriptionId, @paymentId, @kind, @periodStart, @key, @methodId,
                @amount, @walletAmount, 'processing', @settlement::jsonb, false, @claimedUntil, @now);
            UPDATE subscriptions SET charge_in_flight = @chargeId, updated_at = @now
            WHERE id = @subscriptionId AND business_id = @businessId AND mode = @mode;
            """,
            new
            {
                chargeId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                subscriptionId = subscription.Id,
                paymentId,
                kind = plan.Kind,
                periodStart = plan.PeriodStart,
                key,
                methodId,
                amount = plan.Amount,
                walletAmount = walletPart.Amount,
                settlement = plan.PlanChange is null && !plan.DueOnFailure ? null
                    : JsonSerializer.Serialize(new StoredPlanChange(plan.PlanChange, plan.ApplyOnFailure, plan.DueOnFailure), SubscriptionJson.Options),
                claimedUntil = now + options.Value.ChargeLease,
                now,
            }, transaction, cancellationToken: cancellationToken));
        return new StartedCharge(chargeId, paymentId, tenant, key, total - walletPart, method.Token);
    }

    /// <summary>Steps 2 and 3 for a charge started by this process.</summary>
    public async Task<ChargeOutcome> CompleteAsync(StartedCharge charge, CancellationToken cancellationToken)
    {
        ChargeResult? result = null;
        if (!charge.CardPart.IsZero)
        {
            if (charge.Token is null || processors.For(charge.Tenant) is not { } processor)
            {
                result = new ChargeResult("", false, "payment_method_missing");
            }
            else
            {
                try
                {
                    result = await processor.ChargeAsync(charge.Tenant, new ChargeRequest(charge.Token, charge.CardPart, charge.IdempotencyKey), cancellationToken);
                }
                catch (ProcessorUnavailableException)
                {
                    logger.LogWarning("The processor did not answer for subscription charge {ChargeId}; the recovery pass settles it", charge.ChargeId);
                    return ChargeOutcome.Pending;
                }
            }
        }
        return await FinishAsync(charge.Tenant, charge.ChargeId, result, cancellationToken);
    }

    /// <summary>
    /// Finishes charges whose worker vanished (its lease ran out): asks the processor what became of
    /// each charge's idempotency key, charges with the same key if it never got there, and records
    /// the outcome. Returns how many it settled.
    /// </summary>
    public async Task<int> RecoverAsync(string? businessId, CancellationToken cancellationToken)
    {
        var now = Now;
        List<(string Id, string BusinessId, string Mode, string IdempotencyKey, long CardAmount, string Currency, string? Token)> stale;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            stale = (await connection.QueryAsync<(string, string, string, string, long, string, string?)>(new CommandDefinition("""
                WITH claimed AS (
                    SELECT id FROM subscription_charges
                    WHERE status = 'processing' AND claimed_until < @now AND (@businessId::text IS NULL OR business_id = @businessId)
                    ORDER BY claimed_until LIMIT 100 FOR UPDATE SKIP LOCKED
                )
                UPDATE subscription_charges c SET claimed_until = @until FROM claimed
                WHERE c.id = claimed.id
                RETURNING c.id, c.business_id, c.mode, c.idempotency_key, c.card_amount,
                    (SELECT p.currency FROM payments p WHERE p.id = c.payment_id AND p.business_id = c.business_id AND p.mode = c.mode),
                    (SELECT m.processor_token FROM payment_methods m WHERE m.id = c.payment_method_id AND m.business_id = c.business_id AND m.mode = c.mode)
                """, new { now, until = now + options.Value.ChargeLease, businessId }, cancellationToken: cancellationToken))).AsList();
        }
        foreach (var row in stale)
        {
            var tenant = new Tenant(row.BusinessId, ModeText.Parse(row.Mode));
            ChargeResult? result = null;
            if (row.CardAmount > 0 && row.Token is not null && processors.For(tenant) is { } processor)
            {
                try
                {
                    result = await processor.FindChargeAsync(tenant, row.IdempotencyKey, cancellationToken);
                    if (result is null)
                    {
                        logger.LogInformation("Subscription charge {ChargeId} never reached the processor; charging it now with its key", row.Id);
                        result = await processor.ChargeAsync(tenant, new ChargeRequest(row.Token, Money.Of(row.CardAmount, row.Currency), row.IdempotencyKey), cancellationToken);
                    }
                    else
                    {
                        logger.LogInformation("Subscription charge {ChargeId} recovered from the processor by its idempotency key", row.Id);
                    }
                }
                catch (ProcessorUnavailableException)
                {
                    continue;
                }
            }
            else if (row.CardAmount > 0)
            {
                result = new ChargeResult("", false, "payment_method_missing");
            }
            await FinishAsync(tenant, row.Id, result, cancellationToken);
        }
        return stale.Count;
    }

    /// <summary>Step 3: records a charge's outcome (null result = nothing to ask the card for, i.e. paid by the wallet).</summary>
    public async Task<ChargeOutcome> FinishAsync(Tenant tenant, string chargeId, ChargeResult? result, CancellationToken cancellationToken)
    {
        var now = Now;
        var succeeded = result is null || result.Succeeded;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var charge = await connection.QuerySingleOrDefaultAsync<ChargeRow>(new CommandDefinition("""
            SELECT id, subscription_id, payment_id, kind, wallet_amount, status, settlement::text AS settlement
            FROM subscription_charges WHERE id = @chargeId AND business_id = @businessId AND mode = @mode FOR UPDATE
            """, new { chargeId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (charge is null || charge.Status != "processing")
        {
            // Someone else (the recovery pass, or the worker itself) recorded it first.
            return charge?.Status == "succeeded" ? ChargeOutcome.Succeeded : ChargeOutcome.Failed;
        }
        var subscription = (await SubscriptionStore.FindAsync(connection, transaction, tenant, charge.SubscriptionId, cancellationToken, forUpdate: true))!;
        var stored = charge.Settlement is null ? null : JsonSerializer.Deserialize<StoredPlanChange>(charge.Settlement, SubscriptionJson.Options);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscription_charges SET status = @status, is_due = @isDue, finished_at = @now WHERE id = @chargeId AND business_id = @businessId AND mode = @mode;
            UPDATE subscriptions SET charge_in_flight = NULL, updated_at = @now
            WHERE id = @subscriptionId AND business_id = @businessId AND mode = @mode AND charge_in_flight = @chargeId;
            """,
            new
            {
                status = succeeded ? "succeeded" : "failed",
                isDue = !succeeded && stored?.DueOnFailure == true,
                chargeId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                subscriptionId = subscription.Id,
                now,
            }, transaction, cancellationToken: cancellationToken));

        var settled = new SettledCharge(charge.Id, charge.PaymentId, charge.Kind);
        var emailQueued = false;
        if (succeeded)
        {
            var issued = await payments.RecordSucceededAsync(connection, transaction, tenant, charge.PaymentId, result?.ChargeId, card: null, now, cancellationToken);
            emailQueued = true;
            await transitions.OnSucceededAsync(connection, transaction, subscription, settled, stored, now, cancellationToken);
            // Last: the business's invoice counter stays locked from here to the commit, so its renewals take short turns.
            await payments.NumberInvoiceAndQueueReceiptAsync(connection, transaction, tenant, issued, cancellationToken);
        }
        else
        {
            if (charge.WalletAmount > 0)
            {
                await wallets.ApplyAsync(connection, transaction, tenant, new LedgerChange(subscription.CustomerId, Money.Of(charge.WalletAmount, subscription.Currency), true,
                    LedgerEventType.PaymentReversal, "The card payment failed; the wallet part is given back", charge.PaymentId), cancellationToken: cancellationToken);
            }
            await payments.FailedAsync(connection, transaction, tenant, charge.PaymentId, result!.ChargeId, result.FailureCode ?? "", card: null, now, cancellationToken);
            emailQueued = await transitions.OnFailedAsync(connection, transaction, subscription, settled, stored, now, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        ClienteleMetrics.RecordCharge(charge.Kind, succeeded ? "succeeded" : "failed");
        if (emailQueued)
        {
            mailSignal.Wake();
        }
        return succeeded ? ChargeOutcome.Succeeded : ChargeOutcome.Failed;
    }

    /// <summary>Debits up to <paramref name="amount"/> from the customer's wallet in its currency; returns what it took.</summary>
    private async Task<Money> TakeFromWalletAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, Money amount, string paymentId, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        // The row lock makes the balance read and the debit one decision; the debit is still guarded.
        var balance = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
            SELECT balance FROM wallets WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId AND currency = @currency FOR UPDATE
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId = subscription.CustomerId, currency = amount.Code }, transaction, cancellationToken: cancellationToken));
        var take = Money.Min(new Money(balance ?? 0, amount.Currency), amount);
        if (take.Amount <= 0)
        {
            return Money.Zero(amount.Currency);
        }
        var outcome = await wallets.ApplyAsync(connection, transaction, tenant,
            new LedgerChange(subscription.CustomerId, take, false, LedgerEventType.Payment, "Subscription payment", paymentId), cancellationToken: cancellationToken);
        return outcome is LedgerOutcome.Applied ? take : Money.Zero(amount.Currency);
    }

    private sealed record ChargeRow(string Id, string SubscriptionId, string PaymentId, string Kind, long WalletAmount, string Status, string? Settlement);
}
