using Clientele.Features.Catalog;
using Clientele.Features.Subscriptions.Billing;
using Clientele.Platform.Email;
using Clientele.Platform.Jobs;
using Clientele.Platform.Telemetry;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>What one pass of the renewal worker did.</summary>
public sealed record RenewalPass(int Renewed, int Failed, int Pending, int Ended, int Recovered, int Notices)
{
    public static RenewalPass operator +(RenewalPass a, RenewalPass b) =>
        new(a.Renewed + b.Renewed, a.Failed + b.Failed, a.Pending + b.Pending, a.Ended + b.Ended, a.Recovered + b.Recovered, a.Notices + b.Notices);
}

/// <summary>What renewing one subscription at once did (<see cref="RenewalRunner.RenewNowAsync"/>).</summary>
public abstract record RenewNowOutcome
{
    /// <summary>The renewal ran: the period was charged (<paramref name="Charge"/> says how it went; null when it cost nothing) or the subscription ended.</summary>
    public sealed record Renewed(string? PaymentId, ChargeOutcome? Charge, bool Ended) : RenewNowOutcome;

    /// <summary>Not this tenant's subscription; or live mode, where renewals only happen when due.</summary>
    public sealed record NotFound : RenewNowOutcome;

    /// <summary>Only an active, scheduled (not on-demand) subscription with no charge in flight renews.</summary>
    public sealed record NotRenewable(string Status, bool OnDemand, bool ChargeInFlight) : RenewNowOutcome;
}

/// <summary>
/// Renews due subscriptions. Each batch is claimed with <c>FOR UPDATE SKIP LOCKED</c> (so any number
/// of workers in any number of processes share the work without waiting on each other), and how many batches
/// are in flight at once is decided for all of them together (<see cref="RenewalLanes"/>); in the
/// claiming transaction each subscription is ended (cancel at period end, end of term), gets its
/// scheduled plan change, or has its renewal charge started (<see cref="SubscriptionCharges.StartAsync"/>:
/// wallet first, one charge per period by a unique index and an idempotency key). After the commit
/// the card parts go to the processor and the batch's outcomes are recorded in one transaction
/// (<see cref="SubscriptionCharges.CompleteManyAsync"/>).
/// </summary>
public sealed class RenewalRunner(NpgsqlDataSource dataSource, TimeProvider clock, SubscriptionCharges charges, SubscriptionTransitions transitions,
    SubscriptionEmails emails, EmailDispatchSignal mailSignal, IOptions<SubscriptionOptions> options, WorkerConnections workerConnections, ILogger<RenewalRunner> logger)
{
    /// <summary>Runs until nothing is due. <paramref name="businessId"/> limits the pass to one business (operators, tests).</summary>
    public async Task<RenewalPass> RunOnceAsync(string? businessId, CancellationToken cancellationToken)
    {
        var total = new RenewalPass(0, 0, 0, 0, await charges.RecoverAsync(businessId, cancellationToken), await QueueNoticesAsync(businessId, cancellationToken));
        // Batches claimed side by side (SKIP LOCKED keeps them apart), one per lane the pass holds, share the pass's
        // processor calls, so the pass holds no more connections than Parallelism (other workers keep their share):
        // the lanes' own and, per batch, its processor calls (its claim and its record use one at a time).
        var batches = options.Value.Batches;
        var parallelism = Math.Max(1, (workerConnections.Clamp(options.Value.Parallelism) - 1) / batches);
        await using var lanes = await RenewalLanes.TakeAsync(dataSource, businessId, batches, cancellationToken);
        var passes = await Task.WhenAll(lanes.Held.Select(_ => RenewUntilDoneAsync(businessId, parallelism, cancellationToken)));
        return passes.Aggregate(total, (sum, pass) => sum + pass);
    }

    private async Task<RenewalPass> RenewUntilDoneAsync(string? businessId, int parallelism, CancellationToken cancellationToken)
    {
        var total = new RenewalPass(0, 0, 0, 0, 0, 0);
        while (true)
        {
            var (pass, claimed) = await RenewBatchAsync(businessId, parallelism, cancellationToken);
            total += pass;
            if (claimed < options.Value.BatchSize)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// Test mode only: renews this one subscription now, as if its next billing date had come — the same
    /// step as a due renewal (<see cref="RenewOneAsync"/>: end at period end, scheduled plan change, wallet
    /// first, the charge keyed by the period, on hold when declined), so a merchant can try renewals and dunning.
    /// </summary>
    public async Task<RenewNowOutcome> RenewNowAsync(Tenant tenant, string subscriptionId, CancellationToken cancellationToken)
    {
        if (tenant.Mode != Mode.Test)
        {
            return new RenewNowOutcome.NotFound();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        object step;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (await SubscriptionStore.FindAsync(connection, transaction, tenant, subscriptionId, cancellationToken, forUpdate: true) is not { } subscription)
            {
                return new RenewNowOutcome.NotFound();
            }
            if (subscription.Status != SubscriptionStatus.Active || subscription.OnDemand || subscription.ChargeInFlight is not null)
            {
                return new RenewNowOutcome.NotRenewable(subscription.Status, subscription.OnDemand, subscription.ChargeInFlight is not null);
            }
            step = await RenewOneAsync(connection, transaction, subscription, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        mailSignal.Wake();
        if (step is not StartedCharge charge)
        {
            return new RenewNowOutcome.Renewed(null, null, Ended: step is true);
        }
        var outcome = await charges.CompleteAsync(charge, CancellationToken.None);
        ClienteleMetrics.RecordRenewal(outcome switch { ChargeOutcome.Succeeded => "renewed", ChargeOutcome.Failed => "failed", _ => "pending" }, 1);
        logger.LogInformation("Subscription {SubscriptionId} of {BusinessId} renewed at once (test mode): {Outcome}", subscriptionId, tenant.BusinessId, outcome);
        return new RenewNowOutcome.Renewed(charge.PaymentId, outcome, Ended: false);
    }

    private async Task<(RenewalPass Pass, int Claimed)> RenewBatchAsync(string? businessId, int parallelism, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var started = new List<StartedCharge>();
        var ended = 0;
        var renewedFree = 0;
        var skipped = 0;
        int claimed;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var due = (await connection.QueryAsync<Subscription>(new CommandDefinition(Subscription.Select + """
                 WHERE s.status = 'active' AND NOT s.on_demand AND s.charge_in_flight IS NULL AND s.next_billing_date <= @now
                   AND (@businessId::text IS NULL OR s.business_id = @businessId)
                ORDER BY s.next_billing_date
                LIMIT @batch
                FOR UPDATE OF s SKIP LOCKED
                """, new { now, businessId, batch = options.Value.BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
            claimed = due.Count;
            // Plain renewals (nothing ends, no plan change, something to pay) are started together, a tenant at a
            // time; if that fails they go the one-by-one way below with the rest.
            var oneByOne = due.Where(s => !IsPlainRenewal(s)).ToList();
            foreach (var tenant in due.Where(IsPlainRenewal).GroupBy(s => s.Tenant))
            {
                await transaction.SaveAsync("renewals", cancellationToken);
                try
                {
                    started.AddRange(await charges.StartManyAsync(connection, transaction, tenant.Key, [.. tenant.Select(s => (s, RenewalPlan(s, null)))], cancellationToken));
                    await transaction.ReleaseAsync("renewals", cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    await transaction.RollbackAsync("renewals", cancellationToken);
                    logger.LogWarning(ex, "Starting {Count} renewals of {BusinessId} together failed; each is started on its own", tenant.Count(), tenant.Key.BusinessId);
                    oneByOne.AddRange(tenant);
                }
            }
            foreach (var subscription in oneByOne)
            {
                // Each subscription under its own savepoint: one that throws is rolled back alone and
                // logged, and the rest of the batch is renewed (it stays due and is retried next pass).
                await transaction.SaveAsync("renewal", cancellationToken);
                try
                {
                    switch (await RenewOneAsync(connection, transaction, subscription, now, cancellationToken))
                    {
                        case StartedCharge charge:
                            started.Add(charge);
                            break;
                        case true:
                            ended++;
                            break;
                        default:
                            renewedFree++;
                            break;
                    }
                    await transaction.ReleaseAsync("renewal", cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    await transaction.RollbackAsync("renewal", cancellationToken);
                    skipped++;
                    logger.LogError(ex, "Renewing subscription {SubscriptionId} failed; the rest of the batch goes on and it is retried next pass", subscription.Id);
                }
            }
            await transaction.CommitAsync(cancellationToken);
        }
        if (ended > 0)
        {
            mailSignal.Wake();
        }

        var claiming = timer.Elapsed;
        var outcomes = await charges.CompleteManyAsync(started, parallelism, cancellationToken);
        var pass = new RenewalPass(
            renewedFree + outcomes.Count(o => o == ChargeOutcome.Succeeded),
            outcomes.Count(o => o == ChargeOutcome.Failed),
            outcomes.Count(o => o == ChargeOutcome.Pending),
            ended, 0, 0);
        ClienteleMetrics.RecordRenewal("renewed", pass.Renewed);
        ClienteleMetrics.RecordRenewal("failed", pass.Failed);
        ClienteleMetrics.RecordRenewal("pending", pass.Pending);
        ClienteleMetrics.RecordRenewal("ended", pass.Ended);
        if (claimed > 0)
        {
            logger.LogInformation("Renewal batch: {Claimed} due, {Renewed} renewed, {Failed} failed, {Pending} pending, {Ended} ended in {Milliseconds} ms ({ClaimMilliseconds} ms claiming and starting)",
                claimed, pass.Renewed, pass.Failed, pass.Pending, pass.Ended, (long)timer.Elapsed.TotalMilliseconds, (long)claiming.TotalMilliseconds);
        }
        // Items that failed stay due: counting them would make the pass claim the same ones again at once.
        return (pass, claimed - skipped);
    }

    /// <summary>
    /// One due subscription, in the claiming transaction: ended (true), renewed for nothing (false),
    /// or its renewal charge started.
    /// </summary>
    private async Task<object> RenewOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, DateTime now, CancellationToken cancellationToken)
    {
        if (subscription.CancelAtNextBillingDate)
        {
            await transitions.EndAsync(connection, transaction, subscription, SubscriptionStatus.Cancelled, now, cancellationToken);
            return true;
        }
        if (subscription.ExpiresAt is { } expiresAt && subscription.NextBillingDate >= expiresAt)
        {
            await transitions.EndAsync(connection, transaction, subscription, SubscriptionStatus.Expired, now, cancellationToken);
            return true;
        }
        var plan = await ScheduledPlanAsync(connection, transaction, subscription, now, cancellationToken);
        var amount = plan?.Amount ?? subscription.RecurringPreTaxAmount;
        if (amount == 0)
        {
            var current = plan is null ? subscription : (await SubscriptionStore.FindAsync(connection, transaction, subscription.Tenant, subscription.Id, cancellationToken))!;
            // A period that costs nothing is renewed without a payment.
            await transitions.AdvancePeriodAsync(connection, transaction, current, now, cancellationToken);
            return false;
        }
        return await charges.StartAsync(connection, transaction, subscription, RenewalPlan(subscription, plan), cancellationToken);
    }

    /// <summary>A renewal that only charges the period: it does not end, changes no plan and costs something.</summary>
    private static bool IsPlainRenewal(Subscription subscription) =>
        !subscription.CancelAtNextBillingDate && !(subscription.ExpiresAt is { } expiresAt && subscription.NextBillingDate >= expiresAt)
        && subscription.ScheduledProductId is null && subscription.RecurringPreTaxAmount > 0;

    /// <summary>The period's charge (at the scheduled <paramref name="plan"/> when one takes effect): wallet first, keyed by the period, owed if declined.</summary>
    private static ChargeRequestPlan RenewalPlan(Subscription subscription, SubscriptionPlan? plan) => new(
        ChargeKinds.Renewal, plan?.Amount ?? subscription.RecurringPreTaxAmount, plan?.ProductId ?? subscription.ProductId, plan?.ProductName ?? subscription.ProductName, null,
        plan?.Quantity ?? subscription.Quantity, plan?.UnitAmount ?? subscription.UnitAmount, UseWallet: true,
        subscription.PaymentMethodId, Platform.Api.Metadata.EmptyJson, PeriodStart: subscription.NextBillingDate, DueOnFailure: true);

    /// <summary>A plan change scheduled for this billing date takes effect before the renewal is priced.</summary>
    private async Task<SubscriptionPlan?> ScheduledPlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, DateTime now, CancellationToken cancellationToken)
    {
        if (subscription.ScheduledProductId is not { } productId)
        {
            return null;
        }
        var product = (await ProductStore.FindManyAsync(connection, subscription.Tenant, [productId], cancellationToken)).Single();
        var plan = SubscriptionPlan.Of(product, subscription.ScheduledQuantity ?? subscription.Quantity);
        await transitions.ApplyPlanChangeAsync(connection, transaction, subscription, new PlanChangeOrder(plan, false, null), now, cancellationToken);
        return plan;
    }

    /// <summary>Queues "your subscription renews soon" once per billing date, <see cref="SubscriptionOptions.RenewalNotice"/> ahead.</summary>
    private async Task<int> QueueNoticesAsync(string? businessId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string Id, string BusinessId, string Mode)>(new CommandDefinition("""
            WITH soon AS (
                SELECT id FROM subscriptions
                WHERE status = 'active' AND NOT on_demand AND NOT cancel_at_next_billing_date
                  AND next_billing_date > @now AND next_billing_date <= @horizon
                  AND renewal_notice_for IS DISTINCT FROM next_billing_date
                  AND (@businessId::text IS NULL OR business_id = @businessId)
                LIMIT 500 FOR UPDATE SKIP LOCKED
            )
            UPDATE subscriptions s SET renewal_notice_for = s.next_billing_date FROM soon WHERE s.id = soon.id
            RETURNING s.id, s.business_id, s.mode
            """, new { now, horizon = now + options.Value.RenewalNotice, businessId }, transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var row in rows)
        {
            await emails.QueueAsync(connection, transaction, new Tenant(row.BusinessId, ModeText.Parse(row.Mode)), row.Id, SubscriptionEmailKind.UpcomingRenewal, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (rows.Count > 0)
        {
            mailSignal.Wake();
        }
        return rows.Count;
    }
}
