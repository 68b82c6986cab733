using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions.Billing;

/// <summary>A charge being recorded, as the status transitions need it.</summary>
public sealed record SettledCharge(string Id, string PaymentId, string Kind);

/// <summary>
/// The status transitions of a subscription, each inside the caller's transaction that holds the
/// subscription's row lock: what a settled charge does (active, renewed, reactivated, plan changed,
/// on hold, failed) and how a subscription ends. Each writes its webhook event and e-mail with it.
/// </summary>
public sealed class SubscriptionTransitions(SubscriptionEvents events, SubscriptionEmails emails, SubscriptionLifecycle lifecycle)
{
    public async Task OnSucceededAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, SettledCharge charge, StoredPlanChange? stored, DateTime now, CancellationToken cancellationToken)
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

    /// <summary>
    /// <see cref="OnSucceededAsync"/> for several paid renewals of one tenant whose rows the caller holds locked: each
    /// lets go of its finished charge (<c>charge_in_flight</c>, guarded by the charge) and moves to its next period
    /// (guarded by the period, as in <see cref="AdvancePeriodAsync"/>) in one update — each guard deciding its own
    /// columns — then gets <c>subscription.renewed</c> and the keys its payment calls for, in a fixed number of statements.
    /// </summary>
    public async Task OnRenewedManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<(Subscription Subscription, string PaymentId, string ChargeId)> renewed, DateTime now, CancellationToken cancellationToken)
    {
        if (renewed.Count == 0)
        {
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions s SET
                charge_in_flight = CASE WHEN s.charge_in_flight = v.charge_id THEN NULL ELSE s.charge_in_flight END,
                next_period = CASE WHEN s.next_period = v.k THEN v.k + 1 ELSE s.next_period END,
                previous_billing_date = CASE WHEN s.next_period = v.k THEN s.next_billing_date ELSE s.previous_billing_date END,
                next_billing_date = CASE WHEN s.next_period = v.k THEN v.next_date ELSE s.next_billing_date END,
                updated_at = @now
            FROM unnest(@ids::text[], @ks::int[], @nextDates::timestamptz[], @chargeIds::text[]) AS v(id, k, next_date, charge_id)
            WHERE s.id = v.id AND s.business_id = @businessId AND s.mode = @mode AND (s.next_period = v.k OR s.charge_in_flight = v.charge_id)
            """,
            new
            {
                ids = renewed.Select(r => r.Subscription.Id).ToArray(),
                ks = renewed.Select(r => r.Subscription.NextPeriod).ToArray(),
                nextDates = renewed.Select(r => r.Subscription.PeriodStart(r.Subscription.NextPeriod + 1)).ToArray(),
                chargeIds = renewed.Select(r => r.ChargeId).ToArray(),
                now,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
            }, transaction, cancellationToken: cancellationToken));
        await events.EmitManyAsync(connection, transaction, tenant, [.. renewed.Select(r => r.Subscription.Id)], SubscriptionEventTypes.Renewed, cancellationToken);
        await lifecycle.IssueKeysAsync(connection, transaction, tenant, [.. renewed.Select(r => (r.PaymentId, (string?)r.Subscription.Id))], cancellationToken);
    }

    public async Task<bool> OnFailedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, SettledCharge charge, StoredPlanChange? stored, DateTime now, CancellationToken cancellationToken)
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
}
