using Clientele.Features.Catalog;
using Clientele.Features.Subscriptions.Billing;
using Clientele.Platform.Api;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

/// <summary>
/// PATCH: field updates, cancellation (now, or at the period's end and its revocation), pause and
/// resume, moving the next billing date, ending on-demand billing, changing the term. One
/// transaction holding the subscription's row lock; <c>{}</c> writes nothing.
/// </summary>
public sealed class UpdateSubscription(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    SubscriptionSettingsStore settings,
    SubscriptionTransitions transitions,
    SubscriptionEvents events,
    SubscriptionEmails emails,
    EmailDispatchSignal mailSignal)
{
    public Task<Result<Subscription, SubscriptionFailure>> RunAsync(Tenant tenant, string id, PatchSubscriptionInput input, CancellationToken cancellationToken) =>
        RunAsync(tenant, id, input, SubscriptionActor.Merchant, cancellationToken);

    public async Task<Result<Subscription, SubscriptionFailure>> RunAsync(Tenant tenant, string id, PatchSubscriptionInput input, SubscriptionActor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var pause = input.Pause ?? input.Status switch { SubscriptionStatus.Paused => true, SubscriptionStatus.Active => false, _ => (bool?)null };
        var cancels = input.Status == SubscriptionStatus.Cancelled || input.CancelAtNextBillingDate == true;
        var rules = pause == true || (cancels && actor is SubscriptionActor.Customer) ? await settings.GetAsync(tenant, cancellationToken) : null;
        var pauseAllowed = rules?.AllowCustomerPause == true;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: true) is not { } subscription || !actor.MayAct(subscription))
        {
            return new SubscriptionFailure.NotFound();
        }
        if (cancels && actor is SubscriptionActor.Customer && rules?.AllowCustomerCancel != true)
        {
            return new SubscriptionFailure.NotAllowed(SubscriptionAction.Cancel);
        }
        if (input == PatchSubscriptionInput.Empty)
        {
            // PATCH {} is a no-op: no write, no event.
            return subscription;
        }
        var changesState = input.CancelAtNextBillingDate is not null || input.Pause is not null || input.Status is not null
            || input.NextBillingDate is not null || input.DisableOnDemandNextBillingDate is not null || input.SubscriptionPeriodCount is not null;
        if (subscription.IsTerminal && changesState)
        {
            return new SubscriptionFailure.Ended(subscription.Status, DetailsOnly: true);
        }
        if (changesState && subscription.ChargeInFlight is not null)
        {
            return new SubscriptionFailure.ChargeInProgress();
        }
        var step = pause switch
        {
            true => await PauseAsync(connection, transaction, subscription, pauseAllowed, now, cancellationToken),
            false => await ResumeAsync(connection, transaction, subscription, now, cancellationToken),
            null => await UpdateAsync(connection, transaction, subscription, input, now, cancellationToken),
        };
        if (step is { } failure)
        {
            return failure;
        }
        var updated = (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
        return updated;
    }

    private async Task<SubscriptionFailure?> PauseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, bool allowed, DateTime now, CancellationToken cancellationToken)
    {
        if (!allowed)
        {
            return new SubscriptionFailure.NotAllowed(SubscriptionAction.Pause);
        }
        if (subscription.Status != SubscriptionStatus.Active)
        {
            return new SubscriptionFailure.NotActive(subscription.Status, SubscriptionAction.Pause);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET status = 'paused', paused_at = @now, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
            Key(subscription, now), transaction, cancellationToken: cancellationToken));
        await events.EmitAsync(connection, transaction, subscription.Tenant, subscription.Id, SubscriptionEventTypes.Paused, cancellationToken);
        return null;
    }

    private async Task<SubscriptionFailure?> ResumeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, DateTime now, CancellationToken cancellationToken)
    {
        if (subscription.Status != SubscriptionStatus.Paused)
        {
            return new SubscriptionFailure.NotPaused(subscription.Status);
        }
        // Billing dates move by the time spent paused: the customer keeps the days they had left.
        var shift = now - subscription.PausedAt!.Value;
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET status = 'active', paused_at = NULL, billing_anchor = billing_anchor + @shift,
                next_billing_date = next_billing_date + @shift, expires_at = expires_at + @shift, renewal_notice_for = NULL, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode
            """, new { id = subscription.Id, businessId = subscription.BusinessId, mode = subscription.Mode, now, shift }, transaction, cancellationToken: cancellationToken));
        await events.EmitAsync(connection, transaction, subscription.Tenant, subscription.Id, SubscriptionEventTypes.Unpaused, cancellationToken);
        return null;
    }

    private async Task<SubscriptionFailure?> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, PatchSubscriptionInput input, DateTime now, CancellationToken cancellationToken)
    {
        var tenant = subscription.Tenant;
        // Plain field updates first, so a cancellation's event shows them.
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET
                billing = coalesce(@billing::jsonb, billing),
                metadata = coalesce(@metadata::jsonb, metadata),
                tax_id = coalesce(@taxId, tax_id),
                cancel_reason = coalesce(@cancelReason, cancel_reason),
                cancellation_feedback = coalesce(@feedback, cancellation_feedback),
                cancellation_comment = coalesce(@comment, cancellation_comment),
                expires_at = CASE WHEN @periodCount::int IS NULL THEN expires_at ELSE @expiresAt END,
                subscription_period_count = coalesce(@periodCount, subscription_period_count),
                subscription_period_interval = coalesce(@periodInterval, subscription_period_interval),
                updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode;
            UPDATE customers SET name = @customerName, updated_at = @now
            WHERE @customerName::text IS NOT NULL AND id = @customerId AND business_id = @businessId AND mode = @mode;
            """,
            new
            {
                billing = input.Billing is null ? null : System.Text.Json.JsonSerializer.Serialize(input.Billing, SubscriptionJson.Options),
                metadata = input.MetadataJson,
                taxId = input.TaxId,
                cancelReason = input.CancelReason,
                feedback = input.CancellationFeedback,
                comment = input.CancellationComment,
                periodCount = input.SubscriptionPeriodCount,
                periodInterval = input.SubscriptionPeriodInterval,
                expiresAt = input.SubscriptionPeriodCount is { } count ? BillingPeriods.Add(subscription.CreatedAt, count, input.SubscriptionPeriodInterval!) : (DateTime?)null,
                customerName = input.CustomerName,
                customerId = subscription.CustomerId,
                id = subscription.Id,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                now,
            }, transaction, cancellationToken: cancellationToken));

        if (input.Status == SubscriptionStatus.Cancelled)
        {
            await transitions.EndAsync(connection, transaction, subscription, SubscriptionStatus.Cancelled, now, cancellationToken);
            return null;
        }
        var emailKind = (SubscriptionEmailKind?)null;
        if (input.CancelAtNextBillingDate is { } cancelAtEnd && cancelAtEnd != subscription.CancelAtNextBillingDate)
        {
            if (cancelAtEnd && subscription.Status != SubscriptionStatus.Active)
            {
                return new SubscriptionFailure.NotActive(subscription.Status, SubscriptionAction.ScheduleCancellation);
            }
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriptions SET cancel_at_next_billing_date = @cancelAtEnd, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
                new { cancelAtEnd, id = subscription.Id, businessId = tenant.BusinessId, mode = tenant.ModeText, now }, transaction, cancellationToken: cancellationToken));
            emailKind = cancelAtEnd ? SubscriptionEmailKind.CancelScheduled : null;
        }
        if (input.NextBillingDate is { } nextDate)
        {
            if (nextDate <= now || subscription.Status != SubscriptionStatus.Active)
            {
                return Invalid("next_billing_date", nextDate <= now ? "must be in the future" : $"can only be moved on an active subscription; this one is {subscription.Status}");
            }
            await MoveNextBillingDateAsync(connection, transaction, subscription, nextDate, onDemand: null, now, cancellationToken);
        }
        if (input.DisableOnDemandNextBillingDate is { } firstRenewal)
        {
            if (!subscription.OnDemand || firstRenewal <= now)
            {
                return Invalid("disable_on_demand.next_billing_date", !subscription.OnDemand ? "applies only to on-demand subscriptions" : "must be in the future");
            }
            await MoveNextBillingDateAsync(connection, transaction, subscription, firstRenewal, onDemand: false, now, cancellationToken);
        }
        await events.EmitAsync(connection, transaction, tenant, subscription.Id, SubscriptionEventTypes.Updated, cancellationToken);
        if (emailKind is { } kind)
        {
            await emails.QueueAsync(connection, transaction, tenant, subscription.Id, kind, cancellationToken);
        }
        return null;
    }

    private static Task<int> MoveNextBillingDateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, DateTime next, bool? onDemand, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET billing_anchor = @next, next_period = 0, next_billing_date = @next, on_demand = coalesce(@onDemand, on_demand),
                renewal_notice_for = NULL, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode
            """, new { next, onDemand, now, id = subscription.Id, businessId = subscription.BusinessId, mode = subscription.Mode }, transaction, cancellationToken: cancellationToken));

    private static object Key(Subscription subscription, DateTime now) => new { id = subscription.Id, businessId = subscription.BusinessId, mode = subscription.Mode, now };

    private static SubscriptionFailure.Invalid Invalid(string field, string problem) => new(new ValidationError(field, problem));
}
