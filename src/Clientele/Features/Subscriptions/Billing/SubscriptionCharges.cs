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
        var key = KeyOf(subscription, plan, chargeId);
        var method = plan.PaymentMethodId is null ? default : await connection.QuerySingleOrDefaultAsync<(string Token, string Network, string CardType, string Last4, string? HolderName)>(new CommandDefinition("""
            SELECT processor_token, card_network, card_type, last4, card_holder_name FROM payment_methods
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
            """, new { id = plan.PaymentMethodId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        var methodId = method.Token is null ? null : plan.PaymentMethodId;
        var total = Money.Of(plan.Amount, subscription.Currency);

        var paymentId = await PaymentRecorder.CreateAsync(connection, transaction,
            NewPaymentOf(subscription, plan, methodId is null ? null : (methodId, method.Token!, method.Network, method.CardType, method.Last4, method.HolderName)), now, cancellationToken);

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
                settlement = SettlementOf(plan),
                claimedUntil = now + options.Value.ChargeLease,
                now,
            }, transaction, cancellationToken: cancellationToken));
        return new StartedCharge(chargeId, paymentId, tenant, key, total - walletPart, method.Token);
    }

    /// <summary>
    /// Step 1 for several charges of one tenant, each with its subscription (locked by the caller, who commits): the
    /// same rows as <see cref="StartAsync"/> writes for each, in a fixed number of statements for those with nothing
    /// in their wallet; a customer with a balance to take first is started by <see cref="StartAsync"/> (its wallet row
    /// locked for the decision). Returns the started charges in the given order.
    /// </summary>
    public async Task<IReadOnlyList<StartedCharge>> StartManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant,
        IReadOnlyList<(Subscription Subscription, ChargeRequestPlan Plan)> charges, CancellationToken cancellationToken)
    {
        var now = Now;
        var args = new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            methodIds = charges.Select(c => c.Plan.PaymentMethodId).OfType<string>().Distinct().ToArray(),
            customerIds = charges.Where(c => c.Plan.UseWallet).Select(c => c.Subscription.CustomerId).Distinct().ToArray(),
        };
        var methods = (await connection.QueryAsync<(string Id, string Token, string Network, string CardType, string Last4, string? HolderName)>(new CommandDefinition("""
            SELECT id, processor_token, card_network, card_type, last4, card_holder_name FROM payment_methods
            WHERE id = ANY (@methodIds) AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
            """, args, transaction, cancellationToken: cancellationToken))).ToDictionary(m => m.Id);
        // Read without a lock: a customer with a balance goes the one-by-one way, which locks the wallet row to decide.
        var credited = (await connection.QueryAsync<(string CustomerId, string Currency)>(new CommandDefinition("""
            SELECT customer_id, currency FROM wallets WHERE business_id = @businessId AND mode = @mode AND customer_id = ANY (@customerIds) AND balance > 0
            """, args, transaction, cancellationToken: cancellationToken))).ToHashSet();

        var started = new StartedCharge?[charges.Count];
        var together = new List<int>();
        for (var i = 0; i < charges.Count; i++)
        {
            var (subscription, plan) = charges[i];
            if (plan.UseWallet && credited.Contains((subscription.CustomerId, subscription.Currency)))
            {
                started[i] = await StartAsync(connection, transaction, subscription, plan, cancellationToken);
            }
            else
            {
                together.Add(i);
            }
        }
        if (together.Count == 0)
        {
            return [.. started.Select(s => s!)];
        }

        var rows = together.Select(i =>
        {
            var (subscription, plan) = charges[i];
            var chargeId = Ids.New(Ids.SubscriptionCharge);
            var method = plan.PaymentMethodId is { } id && methods.TryGetValue(id, out var found) ? found : default;
            return (Index: i, Subscription: subscription, Plan: plan, ChargeId: chargeId, Key: KeyOf(subscription, plan, chargeId), Method: method, Total: Money.Of(plan.Amount, subscription.Currency));
        }).ToList();
        var paymentIds = await PaymentRecorder.CreateManyAsync(connection, transaction, tenant, [.. rows.Select(r => NewPaymentOf(r.Subscription, r.Plan, r.Method.Token is null ? null : r.Method))], now, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO subscription_charges (id, business_id, mode, subscription_id, payment_id, kind, period_start, idempotency_key, payment_method_id,
                amount, wallet_amount, status, settlement, is_due, claimed_until, created_at)
            SELECT v.id, @businessId, @mode, v.subscription_id, v.payment_id, v.kind, v.period_start, v.key, v.method_id,
                v.amount, 0, 'processing', v.settlement::jsonb, false, @claimedUntil, @now
            FROM unnest(@chargeIds::text[], @subscriptionIds::text[], @paymentIds::text[], @kinds::text[], @periodStarts::timestamptz[], @keys::text[], @methodIds::text[],
                    @amounts::bigint[], @settlements::text[]) WITH ORDINALITY AS v(id, subscription_id, payment_id, kind, period_start, key, method_id, amount, settlement, position)
            ORDER BY v.position;
            UPDATE subscriptions s SET charge_in_flight = v.charge_id, updated_at = @now
            FROM unnest(@subscriptionIds::text[], @chargeIds::text[]) AS v(id, charge_id)
            WHERE s.id = v.id AND s.business_id = @businessId AND s.mode = @mode;
            """,
            new
            {
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                chargeIds = rows.Select(r => r.ChargeId).ToArray(),
                subscriptionIds = rows.Select(r => r.Subscription.Id).ToArray(),
                paymentIds = paymentIds.ToArray(),
                kinds = rows.Select(r => r.Plan.Kind).ToArray(),
                periodStarts = rows.Select(r => r.Plan.PeriodStart).ToArray(),
                keys = rows.Select(r => r.Key).ToArray(),
                methodIds = rows.Select(r => r.Method.Token is null ? null : r.Plan.PaymentMethodId).ToArray(),
                amounts = rows.Select(r => r.Plan.Amount).ToArray(),
                settlements = rows.Select(r => SettlementOf(r.Plan)).ToArray(),
                claimedUntil = now + options.Value.ChargeLease,
                now,
            }, transaction, cancellationToken: cancellationToken));
        for (var j = 0; j < rows.Count; j++)
        {
            var r = rows[j];
            started[r.Index] = new StartedCharge(r.ChargeId, paymentIds[j], tenant, r.Key, r.Total, r.Method.Token);
        }
        return [.. started.Select(s => s!)];
    }

    /// <summary>The charge's key with the processor: per period for renewals, the caller's key when given, else unique to the charge.</summary>
    private static string KeyOf(Subscription subscription, ChargeRequestPlan plan, string chargeId) =>
        plan.PeriodStart is { } period
            ? $"sub:{subscription.Id}:renewal:{period.Ticks}"
            : plan.IdempotencyKey is { } callerKey ? ChargeRequestPlan.KeyOf(subscription.Id, plan.Kind, callerKey) : $"sub:{subscription.Id}:{plan.Kind}:{chargeId}";

    private static string? SettlementOf(ChargeRequestPlan plan) =>
        plan.PlanChange is null && !plan.DueOnFailure ? null
            : JsonSerializer.Serialize(new StoredPlanChange(plan.PlanChange, plan.ApplyOnFailure, plan.DueOnFailure), SubscriptionJson.Options);

    private static NewPayment NewPaymentOf(Subscription subscription, ChargeRequestPlan plan, (string Id, string Token, string Network, string CardType, string Last4, string? HolderName)? method) =>
        new(subscription.Tenant, subscription.CustomerId, "processing", Money.Of(plan.Amount, subscription.Currency), subscription.Billing, plan.MetadataJson,
            [new PaymentLine(plan.LineProductId, plan.LineName, plan.LineDescription, plan.LineQuantity, plan.LineUnitAmount, plan.Amount)])
        {
            SubscriptionId = subscription.Id,
            IsUpdatePaymentMethod = plan.Kind == ChargeKinds.Dues,
            Card = method is { } m ? new CardUsed(m.Id, m.Network, m.CardType, m.Last4, m.HolderName) : null,
        };

    /// <summary>Steps 2 and 3 for a charge started by this process.</summary>
    public async Task<ChargeOutcome> CompleteAsync(StartedCharge charge, CancellationToken cancellationToken)
    {
        var (answered, result) = await AskProcessorAsync(charge, cancellationToken);
        return answered ? await FinishAsync(charge.Tenant, charge.ChargeId, result, cancellationToken) : ChargeOutcome.Pending;
    }

    /// <summary>
    /// Steps 2 and 3 for a batch of charges this process started: up to <paramref name="parallelism"/> processor calls
    /// at once, then the answers of each tenant recorded in one transaction (<see cref="FinishManyAsync"/>). A charge
    /// the processor did not answer, or whose batch could not be recorded, stays processing: after its lease the
    /// recovery pass asks the processor by its key and records it. Outcomes in no particular order.
    /// </summary>
    public async Task<IReadOnlyList<ChargeOutcome>> CompleteManyAsync(IReadOnlyList<StartedCharge> started, int parallelism, CancellationToken cancellationToken)
    {
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var answers = new (bool Answered, ChargeResult? Result)[started.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, started.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    answers[i] = await AskProcessorAsync(started[i], ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    logger.LogError(ex, "Subscription charge {ChargeId} ({PaymentId}) failed at the processor; the recovery pass settles it", started[i].ChargeId, started[i].PaymentId);
                }
            });
        var asked = timer.Elapsed;
        var outcomes = new List<ChargeOutcome>(started.Count);
        outcomes.AddRange(answers.Where(a => !a.Answered).Select(_ => ChargeOutcome.Pending));
        // In the order they were started, so their invoices are numbered in that order.
        foreach (var tenant in started.Zip(answers).Where(a => a.Second.Answered).GroupBy(a => a.First.Tenant, a => (a.First, a.Second.Result)))
        {
            var batch = tenant.ToList();
            try
            {
                outcomes.AddRange(await FinishManyAsync(tenant.Key, batch, cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                outcomes.AddRange(batch.Select(_ => ChargeOutcome.Pending));
                logger.LogError(ex, "Recording {Count} subscription charges of {BusinessId} failed; they stay processing and the recovery pass settles each by its key", batch.Count, tenant.Key.BusinessId);
            }
        }
        logger.LogDebug("{Count} subscription charges: processor answers in {AskMilliseconds} ms, recorded in {RecordMilliseconds} ms",
            started.Count, (long)asked.TotalMilliseconds, (long)(timer.Elapsed - asked).TotalMilliseconds);
        return outcomes;
    }

    /// <summary>Step 2: the processor's answer for the card part (null when there is none: the wallet paid it all); not answered when it could not be reached.</summary>
    private async Task<(bool Answered, ChargeResult? Result)> AskProcessorAsync(StartedCharge charge, CancellationToken cancellationToken)
    {
        if (charge.CardPart.IsZero)
        {
            return (true, null);
        }
        if (charge.Token is null || processors.For(charge.Tenant) is not { } processor)
        {
            return (true, new ChargeResult("", false, "payment_method_missing"));
        }
        try
        {
            return (true, await processor.ChargeAsync(charge.Tenant, new ChargeRequest(charge.Token, charge.CardPart, charge.IdempotencyKey), cancellationToken));
        }
        catch (ProcessorUnavailableException)
        {
            logger.LogWarning("The processor did not answer for subscription charge {ChargeId}; the recovery pass settles it", charge.ChargeId);
            return (false, null);
        }
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
        var charge = (await LockAsync(connection, transaction, tenant, [chargeId], cancellationToken)).SingleOrDefault();
        if (charge is null || charge.Status != "processing")
        {
            // Someone else (the recovery pass, or the worker itself) recorded it first.
            return charge?.Status == "succeeded" ? ChargeOutcome.Succeeded : ChargeOutcome.Failed;
        }
        var emailQueued = await RecordAsync(connection, transaction, tenant, charge, result, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ClienteleMetrics.RecordCharge(charge.Kind, succeeded ? "succeeded" : "failed");
        if (emailQueued)
        {
            mailSignal.Wake();
        }
        return succeeded ? ChargeOutcome.Succeeded : ChargeOutcome.Failed;
    }

    /// <summary>
    /// Step 3 for a batch of one tenant's charges, in one transaction: one WAL flush, and the business's invoice
    /// counter taken once, by the transaction's last statements, for every invoice of the batch. Paid renewals (the
    /// bulk) are recorded set-based (<see cref="RecordRenewalsAsync"/>); anything else (a declined card, another
    /// kind) one by one as <see cref="FinishAsync"/> does. A charge someone else recorded first is left as it is.
    /// If the transaction fails, nothing of it stays: the charges remain processing for the recovery pass.
    /// </summary>
    public async Task<IReadOnlyList<ChargeOutcome>> FinishManyAsync(Tenant tenant, IReadOnlyList<(StartedCharge Charge, ChargeResult? Result)> answers, CancellationToken cancellationToken)
    {
        var now = Now;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await LockAsync(connection, transaction, tenant, [.. answers.Select(a => a.Charge.ChargeId)], cancellationToken)).ToDictionary(r => r.Id);
        var outcomes = new List<ChargeOutcome>(answers.Count);
        var renewals = new List<(ChargeRow Charge, string? ProcessorChargeId)>();
        var oneByOne = new List<(string Kind, bool Succeeded)>();
        var emailQueued = false;
        foreach (var (started, result) in answers)
        {
            var succeeded = result is null || result.Succeeded;
            if (!rows.TryGetValue(started.ChargeId, out var charge) || charge.Status != "processing")
            {
                outcomes.Add(charge?.Status == "succeeded" ? ChargeOutcome.Succeeded : ChargeOutcome.Failed);
            }
            else if (succeeded && charge.Kind == ChargeKinds.Renewal)
            {
                renewals.Add((charge, result?.ChargeId));
            }
            else
            {
                emailQueued |= await RecordAsync(connection, transaction, tenant, charge, result, now, cancellationToken);
                outcomes.Add(succeeded ? ChargeOutcome.Succeeded : ChargeOutcome.Failed);
                oneByOne.Add((charge.Kind, succeeded));
            }
        }
        if (renewals.Count > 0)
        {
            await RecordRenewalsAsync(connection, transaction, tenant, renewals, now, cancellationToken);
            outcomes.AddRange(renewals.Select(_ => ChargeOutcome.Succeeded));
            emailQueued = true;
        }
        await transaction.CommitAsync(cancellationToken);
        ClienteleMetrics.RecordCharge(ChargeKinds.Renewal, "succeeded", renewals.Count);
        foreach (var (kind, succeeded) in oneByOne)
        {
            ClienteleMetrics.RecordCharge(kind, succeeded ? "succeeded" : "failed");
        }
        if (emailQueued)
        {
            mailSignal.Wake();
        }
        return outcomes;
    }

    /// <summary>Locks charges of one tenant in id order (two batches never wait on each other in a cycle).</summary>
    private static async Task<IReadOnlyList<ChargeRow>> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<string> chargeIds, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ChargeRow>(new CommandDefinition("""
            SELECT id, subscription_id, payment_id, kind, wallet_amount, status, settlement::text AS settlement
            FROM subscription_charges WHERE id = ANY (@chargeIds) AND business_id = @businessId AND mode = @mode
            ORDER BY id FOR UPDATE
            """, new { chargeIds = chargeIds.ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken))).AsList();

    /// <summary>Records one locked, still processing charge's outcome with everything that follows; true when it queued e-mail.</summary>
    private async Task<bool> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, ChargeRow charge, ChargeResult? result, DateTime now, CancellationToken cancellationToken)
    {
        var succeeded = result is null || result.Succeeded;
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
                chargeId = charge.Id,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                subscriptionId = subscription.Id,
                now,
            }, transaction, cancellationToken: cancellationToken));

        var settled = new SettledCharge(charge.Id, charge.PaymentId, charge.Kind);
        if (succeeded)
        {
            var issued = await payments.RecordSucceededAsync(connection, transaction, tenant, charge.PaymentId, result?.ChargeId, card: null, now, cancellationToken);
            await transitions.OnSucceededAsync(connection, transaction, subscription, settled, stored, now, cancellationToken);
            // Last: the business's invoice counter stays locked from here to the commit, so its renewals take short turns.
            await payments.NumberInvoiceAndQueueReceiptAsync(connection, transaction, tenant, issued, cancellationToken);
            return true;
        }
        if (charge.WalletAmount > 0)
        {
            await wallets.ApplyAsync(connection, transaction, tenant, new LedgerChange(subscription.CustomerId, Money.Of(charge.WalletAmount, subscription.Currency), true,
                LedgerEventType.PaymentReversal, "The card payment failed; the wallet part is given back", charge.PaymentId), cancellationToken: cancellationToken);
        }
        await payments.FailedAsync(connection, transaction, tenant, charge.PaymentId, result!.ChargeId, result.FailureCode ?? "", card: null, now, cancellationToken);
        return await transitions.OnFailedAsync(connection, transaction, subscription, settled, stored, now, cancellationToken);
    }

    /// <summary>
    /// Paid renewals of one tenant, locked and still processing, recorded set-based: the same rows, events and e-mails
    /// as <see cref="RecordAsync"/> writes for each, in a fixed number of statements for the lot. Last, one statement
    /// writes all their invoices numbered (the business's counter locked from there to the commit), then their receipts.
    /// </summary>
    private async Task RecordRenewalsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<(ChargeRow Charge, string? ProcessorChargeId)> renewals, DateTime now, CancellationToken cancellationToken)
    {
        var subscriptions = (await SubscriptionStore.FindManyAsync(connection, transaction, tenant, [.. renewals.Select(r => r.Charge.SubscriptionId)], cancellationToken, forUpdate: true))
            .ToDictionary(s => s.Id);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscription_charges SET status = 'succeeded', is_due = false, finished_at = @now WHERE id = ANY (@chargeIds) AND business_id = @businessId AND mode = @mode
            """,
            new { chargeIds = renewals.Select(r => r.Charge.Id).ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText, now },
            transaction, cancellationToken: cancellationToken));
        var issued = await payments.RecordManySucceededAsync(connection, transaction, tenant, [.. renewals.Select(r => (r.Charge.PaymentId, r.ProcessorChargeId))], now, cancellationToken);
        // The subscriptions' charge_in_flight is released by the same statement that advances their period (one new row version each).
        await transitions.OnRenewedManyAsync(connection, transaction, tenant,
            [.. renewals.Select(r => (subscriptions[r.Charge.SubscriptionId], r.Charge.PaymentId, r.Charge.Id))], now, cancellationToken);
        await payments.NumberInvoicesAndQueueReceiptsAsync(connection, transaction, tenant, issued, now, cancellationToken);
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
