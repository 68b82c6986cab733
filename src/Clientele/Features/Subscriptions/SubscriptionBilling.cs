using System.Text.Json;
using Clientele.Features.Invoices;
using Clientele.Features.Payments;
using Clientele.Features.Payments.Processor;
using Clientele.Features.Wallets;
using Clientele.Features.Webhooks;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions;

public static class ChargeKinds
{
    public const string Initial = "initial";
    public const string Renewal = "renewal";
    public const string Dues = "dues";
    public const string PlanChange = "plan_change";
    public const string OnDemand = "on_demand";
}

/// <summary>
/// One charge to make for a subscription. <see cref="Amount"/> is the whole amount (wallet first,
/// then the card). <see cref="PlanChange"/> is applied on success (plan changes), and also on
/// failure when <see cref="ApplyOnFailure"/>; <see cref="DueOnFailure"/> makes a failed charge money
/// owed, paid when the subscription is reactivated.
/// </summary>
public sealed record ChargeRequestPlan(
    string Kind,
    long Amount,
    string LineProductId,
    string LineName,
    string? LineDescription,
    int LineQuantity,
    long LineUnitAmount,
    bool UseWallet,
    string? PaymentMethodId,
    string MetadataJson,
    DateTime? PeriodStart = null,
    PlanChangeOrder? PlanChange = null,
    bool ApplyOnFailure = false,
    bool DueOnFailure = false);

/// <summary>A plan change to apply when its charge is settled (stored as JSON on the charge).</summary>
public sealed record PlanChangeOrder(SubscriptionPlan Plan, bool ResetsCycle, string? MetadataJson);

/// <summary>A charge whose decision is recorded (payment in processing); the processor has not been asked yet.</summary>
public sealed record StartedCharge(string ChargeId, string PaymentId, Tenant Tenant, string IdempotencyKey, long CardAmount, string Currency, string? Token);

public enum ChargeOutcome
{
    Succeeded,
    Failed,

    /// <summary>The processor did not answer; the recovery pass settles the charge later.</summary>
    Pending,
}

/// <summary>
/// Charges subscriptions in three steps, each crash-safe. (1) <see cref="StartAsync"/>, in the
/// caller's transaction that holds the subscription's row lock: the payment (processing), its line,
/// the wallet part (debited now) and the charge row with its idempotency key, and the subscription
/// marked as having a charge in flight. (2) The processor is asked for the card part with that key.
/// (3) <see cref="FinishAsync"/> records the outcome with everything that follows in one
/// transaction: payment, invoice, subscription state, webhook events and e-mails. A process that
/// dies between (1) and (3) leaves a processing charge; after its lease the recovery pass asks the
/// processor by the same key and finishes it, so a period is never charged twice.
/// </summary>
public sealed class SubscriptionBilling(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    PaymentProcessors processors,
    WalletLedger wallets,
    PaymentEvents paymentEvents,
    PaymentEmails paymentEmails,
    SubscriptionEvents events,
    SubscriptionEmails emails,
    SubscriptionLifecycle lifecycle,
    EmailDispatchSignal mailSignal,
    IOptions<SubscriptionOptions> options,
    ILogger<SubscriptionBilling> logger)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Step 1. The caller holds the subscription's row lock and commits.</summary>
    public async Task<StartedCharge> StartAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, ChargeRequestPlan plan, CancellationToken cancellationToken)
    {
        var now = Now;
        var tenant = subscription.Tenant;
        var chargeId = Ids.New(Ids.SubscriptionCharge);
        var paymentId = Ids.New(Ids.Payment);
        var key = plan.PeriodStart is { } period
            ? $"sub:{subscription.Id}:renewal:{period.Ticks}"
            : $"sub:{subscription.Id}:{plan.Kind}:{chargeId}";
        var args = new { businessId = tenant.BusinessId, mode = tenant.ModeText };
        var method = plan.PaymentMethodId is null ? default : await connection.QuerySingleOrDefaultAsync<(string Token, string Network, string CardType, string Last4, string? HolderName)>(new CommandDefinition("""
            SELECT processor_token, card_network, card_type, last4, card_holder_name FROM payment_methods
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
            """, new { id = plan.PaymentMethodId, args.businessId, args.mode }, transaction, cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payments (id, business_id, mode, customer_id, subscription_id, status, currency, total_amount, billing, metadata,
                payment_method_id, card_network, card_type, card_last_four, card_holder_name, is_update_payment_method, created_at, updated_at)
            VALUES (@paymentId, @businessId, @mode, @customerId, @subscriptionId, 'processing', @currency, @amount, @billing::jsonb, @metadata::jsonb,
                @methodId, @network, @cardType, @last4, @holder, @isUpdate, @now, @now);
            INSERT INTO payment_line_items (payment_id, product_id, business_id, mode, position, name, description, quantity, unit_amount, amount)
            VALUES (@paymentId, @productId, @businessId, @mode, 0, @lineName, @lineDescription, @quantity, @unitAmount, @amount);
            """,
            new
            {
                paymentId,
                args.businessId,
                args.mode,
                customerId = subscription.CustomerId,
                subscriptionId = subscription.Id,
                currency = subscription.Currency,
                amount = plan.Amount,
                billing = subscription.Billing,
                metadata = plan.MetadataJson,
                methodId = method.Token is null ? null : plan.PaymentMethodId,
                network = method.Network,
                cardType = method.CardType,
                last4 = method.Last4,
                holder = method.HolderName,
                isUpdate = plan.Kind == ChargeKinds.Dues,
                now,
                productId = plan.LineProductId,
                lineName = plan.LineName,
                lineDescription = plan.LineDescription,
                quantity = plan.LineQuantity,
                unitAmount = plan.LineUnitAmount,
            }, transaction, cancellationToken: cancellationToken));

        var walletAmount = plan.UseWallet ? await TakeFromWalletAsync(connection, transaction, subscription, plan.Amount, paymentId, cancellationToken) : 0;
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
                args.businessId,
                args.mode,
                subscriptionId = subscription.Id,
                paymentId,
                kind = plan.Kind,
                periodStart = plan.PeriodStart,
                key,
                methodId = method.Token is null ? null : plan.PaymentMethodId,
                amount = plan.Amount,
                walletAmount,
                settlement = plan.PlanChange is null && !plan.DueOnFailure ? null
                    : JsonSerializer.Serialize(new StoredPlanChange(plan.PlanChange, plan.ApplyOnFailure, plan.DueOnFailure), SubscriptionJson.Options),
                claimedUntil = now + options.Value.ChargeLease,
                now,
            }, transaction, cancellationToken: cancellationToken));
        return new StartedCharge(chargeId, paymentId, tenant, key, plan.Amount - walletAmount, subscription.Currency, method.Token);
    }

    /// <summary>Steps 2 and 3 for a charge started by this process.</summary>
    public async Task<ChargeOutcome> CompleteAsync(StartedCharge charge, CancellationToken cancellationToken)
    {
        ChargeResult? result = null;
        if (charge.CardAmount > 0)
        {
            if (charge.Token is null || processors.For(charge.Tenant) is not { } processor)
            {
                result = new ChargeResult("", false, "payment_method_missing");
            }
            else
            {
                try
                {
                    result = await processor.ChargeAsync(charge.Tenant, new ChargeRequest(charge.Token, charge.CardAmount, charge.Currency, charge.IdempotencyKey), cancellationToken);
                }
                catch (ProcessorUnavailableException)
                {
                    logger.LogWarning("The processor did not answer for subscription charge {ChargeId}; the recovery pass settles it", charge.ChargeId);
                    return ChargeOutcome.Pending;
                }
            }
        }
        return await FinishAsync(charge.ChargeId, result, cancellationToken);
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
                    (SELECT p.currency FROM payments p WHERE p.id = c.payment_id),
                    (SELECT m.processor_token FROM payment_methods m WHERE m.id = c.payment_method_id)
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
                        result = await processor.ChargeAsync(tenant, new ChargeRequest(row.Token, row.CardAmount, row.Currency, row.IdempotencyKey), cancellationToken);
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
            await FinishAsync(row.Id, result, cancellationToken);
        }
        return stale.Count;
    }

    /// <summary>Step 3: records a charge's outcome (null result = nothing to ask the card for, i.e. paid by the wallet).</summary>
    public async Task<ChargeOutcome> FinishAsync(string chargeId, ChargeResult? result, CancellationToken cancellationToken)
    {
        var now = Now;
        var succeeded = result is null || result.Succeeded;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var charge = await connection.QuerySingleOrDefaultAsync<ChargeRow>(new CommandDefinition("""
            SELECT id, business_id, mode, subscription_id, payment_id, kind, period_start, amount, wallet_amount, status, settlement::text AS settlement
            FROM subscription_charges WHERE id = @chargeId FOR UPDATE
            """, new { chargeId }, transaction, cancellationToken: cancellationToken));
        if (charge is null || charge.Status != "processing")
        {
            // Someone else (the recovery pass, or the worker itself) recorded it first.
            return charge?.Status == "succeeded" ? ChargeOutcome.Succeeded : ChargeOutcome.Failed;
        }
        var tenant = new Tenant(charge.BusinessId, ModeText.Parse(charge.Mode));
        var subscription = (await SubscriptionStore.FindAsync(connection, transaction, tenant, charge.SubscriptionId, cancellationToken, forUpdate: true))!;
        var stored = charge.Settlement is null ? null : JsonSerializer.Deserialize<StoredPlanChange>(charge.Settlement, SubscriptionJson.Options);
        var args = new { chargeId, paymentId = charge.PaymentId, businessId = tenant.BusinessId, mode = tenant.ModeText, subscriptionId = subscription.Id, now };

        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET status = @status, processor_charge_id = @processorChargeId, error_code = @errorCode, error_message = @errorMessage, updated_at = @now
            WHERE id = @paymentId AND business_id = @businessId AND mode = @mode;
            UPDATE subscription_charges SET status = @status, is_due = @isDue, finished_at = @now WHERE id = @chargeId;
            UPDATE subscriptions SET charge_in_flight = NULL, updated_at = @now
            WHERE id = @subscriptionId AND business_id = @businessId AND mode = @mode AND charge_in_flight = @chargeId;
            """,
            new
            {
                status = succeeded ? "succeeded" : "failed",
                processorChargeId = string.IsNullOrEmpty(result?.ChargeId) ? null : result.ChargeId,
                errorCode = succeeded ? null : result!.FailureCode,
                errorMessage = succeeded ? null : DeclineMessages.English(result!.FailureCode ?? ""),
                isDue = !succeeded && stored?.DueOnFailure == true,
                args.chargeId,
                args.paymentId,
                args.businessId,
                args.mode,
                args.subscriptionId,
                now,
            }, transaction, cancellationToken: cancellationToken));

        var emailQueued = false;
        if (succeeded)
        {
            await DocumentNumbers.IssueInvoiceAsync(connection, transaction, tenant, charge.PaymentId, now, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE payment_methods SET last_used_at = @now WHERE id = (SELECT payment_method_id FROM payments WHERE id = @paymentId) AND business_id = @businessId AND mode = @mode",
                args, transaction, cancellationToken: cancellationToken));
            await paymentEvents.PaymentAsync(connection, transaction, tenant, charge.PaymentId, WebhookEventTypes.PaymentSucceeded, cancellationToken);
            await paymentEmails.ReceiptAsync(connection, transaction, tenant, charge.PaymentId, cancellationToken);
            emailQueued = true;
            await OnSucceededAsync(connection, transaction, subscription, charge, stored, now, cancellationToken);
        }
        else
        {
            if (charge.WalletAmount > 0)
            {
                await wallets.ApplyAsync(connection, transaction, tenant, new LedgerChange(subscription.CustomerId, Currency.Find(subscription.Currency), charge.WalletAmount, true,
                    LedgerEventType.PaymentReversal, "The card payment failed; the wallet part is given back", charge.PaymentId), cancellationToken: cancellationToken);
            }
            await paymentEvents.PaymentAsync(connection, transaction, tenant, charge.PaymentId, WebhookEventTypes.PaymentFailed, cancellationToken);
            emailQueued = await OnFailedAsync(connection, transaction, subscription, charge, stored, now, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (emailQueued)
        {
            mailSignal.Wake();
        }
        return succeeded ? ChargeOutcome.Succeeded : ChargeOutcome.Failed;
    }

    private async Task OnSucceededAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, ChargeRow charge, StoredPlanChange? stored, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        var args = new { id = subscription.Id, businessId = tenant.BusinessId, mode = tenant.ModeText, now, paymentId = charge.PaymentId };
        switch (charge.Kind)
        {
            case ChargeKinds.Initial when subscription.Status == SubscriptionStatus.Pending:
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE subscriptions SET status = 'active', updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
                    args, transaction, cancellationToken: cancellationToken));
                await events.EmitAsync(connection, transaction, tenant, subscription.Id, SubscriptionEventTypes.Active, cancellationToken);
                break;
            case ChargeKinds.Renewal:
                await AdvancePeriodAsync(connection, transaction, subscription, now, cancellationToken);
                break;
            case ChargeKinds.Dues:
                await ReactivateAsync(connection, transaction, subscription, charge.PaymentId, now, cancellationToken);
                break;
            case ChargeKinds.PlanChange when stored?.Order is { } order:
                await ApplyPlanChangeAsync(connection, transaction, subscription, order, now, cancellationToken);
                break;
        }
        await lifecycle.IssueKeysAsync(connection, transaction, tenant, charge.PaymentId, subscription.Id, cancellationToken);
    }

    private async Task<bool> OnFailedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, ChargeRow charge, StoredPlanChange? stored, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        var args = new { id = subscription.Id, businessId = tenant.BusinessId, mode = tenant.ModeText, now };
        switch (charge.Kind)
        {
            case ChargeKinds.Initial when subscription.Status == SubscriptionStatus.Pending:
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE subscriptions SET status = 'failed', updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
                    args, transaction, cancellationToken: cancellationToken));
                await events.EmitAsync(connection, transaction, tenant, subscription.Id, SubscriptionEventTypes.Failed, cancellationToken);
                return false;
            case ChargeKinds.Renewal when subscription.Status == SubscriptionStatus.Active:
                await PutOnHoldAsync(connection, transaction, subscription, now, cancellationToken);
                return true;
            case ChargeKinds.PlanChange when stored is { Order: { } order, ApplyOnFailure: true }:
                await ApplyPlanChangeAsync(connection, transaction, subscription, order, now, cancellationToken);
                if (subscription.Status == SubscriptionStatus.Active)
                {
                    await PutOnHoldAsync(connection, transaction, subscription, now, cancellationToken);
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    private async Task PutOnHoldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET status = 'on_hold', on_hold_at = @now, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
            new { id = subscription.Id, businessId = tenant.BusinessId, mode = tenant.ModeText, now }, transaction, cancellationToken: cancellationToken));
        await lifecycle.SuspendKeysAsync(connection, transaction, tenant, subscription.Id, cancellationToken);
        await events.EmitAsync(connection, transaction, tenant, subscription.Id, SubscriptionEventTypes.OnHold, cancellationToken);
        await emails.QueueAsync(connection, transaction, tenant, subscription.Id, SubscriptionEmailKind.OnHold, cancellationToken);
    }

    /// <summary>
    /// The period that starts at the next billing date is paid (or costs nothing): the subscription
    /// moves on to the next one. Guarded by the period index, so it happens once per period.
    /// </summary>
    public async Task AdvancePeriodAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        var k = subscription.NextPeriod;
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET next_period = @next, previous_billing_date = next_billing_date, next_billing_date = @nextDate, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND next_period = @k
            """,
            new { next = k + 1, k, nextDate = subscription.PeriodStart(k + 1), now, id = subscription.Id, businessId = tenant.BusinessId, mode = tenant.ModeText },
            transaction, cancellationToken: cancellationToken));
        await events.EmitAsync(connection, transaction, tenant, subscription.Id, SubscriptionEventTypes.Renewed, cancellationToken);
    }

    /// <summary>
    /// An on_hold subscription whose dues are paid: the owed charges are marked settled by the
    /// payment, it becomes active, and a new billing period starts now (the customer had no service
    /// while on hold, so the period they pay for starts when they pay).
    /// </summary>
    public async Task ReactivateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, string? paymentId, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        var reactivated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscription_charges SET settled_by = @paymentId
            WHERE subscription_id = @id AND business_id = @businessId AND mode = @mode AND is_due AND settled_by IS NULL;
            UPDATE subscriptions SET status = 'active', on_hold_at = NULL, billing_anchor = @now, next_period = 1,
                previous_billing_date = @now, next_billing_date = @next, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND status = 'on_hold';
            """,
            new
            {
                paymentId,
                id = subscription.Id,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                now,
                next = BillingPeriods.Add(now, subscription.PaymentFrequencyCount, subscription.PaymentFrequencyInterval),
            }, transaction, cancellationToken: cancellationToken));
        if (reactivated == 0)
        {
            return;
        }
        await lifecycle.ResumeKeysAsync(connection, transaction, tenant, subscription.Id, cancellationToken);
        await events.EmitAsync(connection, transaction, tenant, subscription.Id, SubscriptionEventTypes.Active, cancellationToken);
        await emails.QueueAsync(connection, transaction, tenant, subscription.Id, SubscriptionEmailKind.Reactivated, cancellationToken);
    }

    public async Task ApplyPlanChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, PlanChangeOrder order, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        await order.Plan.ApplyAsync(connection, transaction, tenant, subscription.Id, order.ResetsCycle ? now : null, now, cancellationToken);
        if (order.MetadataJson is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriptions SET metadata = @metadata::jsonb WHERE id = @id AND business_id = @businessId AND mode = @mode",
                new { metadata = order.MetadataJson, id = subscription.Id, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        }
        await events.EmitAsync(connection, transaction, tenant, subscription.Id, SubscriptionEventTypes.PlanChanged, cancellationToken);
        await emails.QueueAsync(connection, transaction, tenant, subscription.Id, SubscriptionEmailKind.PlanChanged, cancellationToken);
    }

    /// <summary>
    /// Ends a subscription (cancelled now or at its period's end, or expired at the end of its term):
    /// no more renewals, its keys are suspended, a scheduled plan change is dropped.
    /// </summary>
    public async Task EndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, string status, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET status = @status, cancelled_at = CASE WHEN @status = 'cancelled' THEN @now ELSE cancelled_at END,
                cancel_at_next_billing_date = false, paused_at = NULL,
                scheduled_change_id = NULL, scheduled_product_id = NULL, scheduled_quantity = NULL, scheduled_created_at = NULL, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode
            """, new { status, now, id = subscription.Id, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        await lifecycle.SuspendKeysAsync(connection, transaction, tenant, subscription.Id, cancellationToken);
        await events.EmitAsync(connection, transaction, tenant, subscription.Id,
            status == SubscriptionStatus.Cancelled ? SubscriptionEventTypes.Cancelled : SubscriptionEventTypes.Expired, cancellationToken);
        // A subscription that never started (pending) was never the customer's: nothing to tell them.
        if (status == SubscriptionStatus.Cancelled && subscription.Status != SubscriptionStatus.Pending)
        {
            await emails.QueueAsync(connection, transaction, tenant, subscription.Id, SubscriptionEmailKind.Cancelled, cancellationToken);
        }
    }

    /// <summary>Debits up to <paramref name="amount"/> from the customer's wallet in the subscription's currency; returns what it took.</summary>
    private async Task<long> TakeFromWalletAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, long amount, string paymentId, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        // The row lock makes the balance read and the debit one decision; the debit is still guarded.
        var balance = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
            SELECT balance FROM wallets WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId AND currency = @currency FOR UPDATE
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId = subscription.CustomerId, currency = subscription.Currency }, transaction, cancellationToken: cancellationToken));
        var take = Math.Min(balance ?? 0, amount);
        if (take <= 0)
        {
            return 0;
        }
        var outcome = await wallets.ApplyAsync(connection, transaction, tenant,
            new LedgerChange(subscription.CustomerId, Currency.Find(subscription.Currency), take, false, LedgerEventType.Payment, "Subscription payment", paymentId), cancellationToken: cancellationToken);
        return outcome is LedgerOutcome.Applied ? take : 0;
    }

    private sealed record ChargeRow(string Id, string BusinessId, string Mode, string SubscriptionId, string PaymentId, string Kind, DateTime? PeriodStart, long Amount, long WalletAmount, string Status, string? Settlement);
}

/// <summary>The plan change (if any) and failure policy stored with a charge.</summary>
public sealed record StoredPlanChange(PlanChangeOrder? Order, bool ApplyOnFailure, bool DueOnFailure);

internal static class SubscriptionJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
