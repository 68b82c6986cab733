using Clientele.Features.Catalog;
using Clientele.Features.Subscriptions.Billing;
using Clientele.Features.Wallets;
using Clientele.Platform.Api;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

/// <summary>
/// A plan change within the product's collection, and its preview. The preview and the change run
/// the same checks and the same <see cref="Proration"/> quote, so what the preview says is what the
/// change charges (or credits). Charged at once with the subscription's card (wallet first); a
/// scheduled change (<c>effective_at: next_billing_date</c>) is applied by the renewal.
/// </summary>
public sealed class ChangePlan(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    SubscriptionSettingsStore settings,
    SubscriptionCharges charges,
    SubscriptionTransitions transitions,
    SubscriptionEvents events,
    WalletLedger wallets,
    EmailDispatchSignal mailSignal)
{
    public Task<Result<PlanChangeAnswer, SubscriptionFailure>> RunAsync(Tenant tenant, string id, ChangePlanInput input, bool previewOnly, CancellationToken cancellationToken) =>
        RunAsync(tenant, id, input, previewOnly, SubscriptionActor.Merchant, cancellationToken);

    /// <summary>
    /// As <paramref name="actor"/>. A customer changes only their own subscription, at once, with the
    /// business's portal proration mode, and a declined charge changes nothing (<c>prevent_change</c>
    /// whatever the collection's default): a customer's own click never leaves them on hold.
    /// </summary>
    public async Task<Result<PlanChangeAnswer, SubscriptionFailure>> RunAsync(Tenant tenant, string id, ChangePlanInput input, bool previewOnly, SubscriptionActor actor,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rules = await settings.GetAsync(tenant, cancellationToken);
        if (!rules.AllowPlanChanges)
        {
            return new SubscriptionFailure.NotAllowed(SubscriptionAction.ChangePlan);
        }
        if (actor is SubscriptionActor.Customer)
        {
            input = input with { ProrationBillingMode = rules.PortalProrationMode, EffectiveAt = "immediately", OnPaymentFailure = "prevent_change" };
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: !previewOnly) is not { } subscription
            || !actor.MayAct(subscription))
        {
            return new SubscriptionFailure.NotFound();
        }
        var checkedChange = await CheckAsync(connection, transaction, subscription, input, cancellationToken);
        if (checkedChange.Failure is { } refused)
        {
            return refused;
        }
        var (plan, onFailure) = checkedChange.Value;
        var scheduled = input.EffectiveAt == "next_billing_date";
        var quote = scheduled
            ? new ProrationQuote(0, 0, 0, false)
            : Proration.Quote(input.ProrationBillingMode, subscription.RecurringPreTaxAmount, plan.Amount, subscription.PreviousBillingDate, subscription.NextBillingDate, now);
        var balance = quote.Charge == 0 ? 0 : await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT balance FROM wallets WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId AND currency = @currency",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId = subscription.CustomerId, currency = subscription.Currency }, transaction, cancellationToken: cancellationToken)) ?? 0;
        var preview = PlanChangePreview.Build(subscription, plan, quote, scheduled, Math.Min(balance, quote.Charge), now);
        if (previewOnly)
        {
            return new PlanChangeAnswer(preview, null, null);
        }
        if (subscription.ChargeInFlight is not null)
        {
            return new SubscriptionFailure.ChargeInProgress();
        }

        if (scheduled)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE subscriptions SET scheduled_change_id = @changeId, scheduled_product_id = @productId, scheduled_quantity = @quantity,
                    scheduled_created_at = @now, updated_at = @now
                WHERE id = @id AND business_id = @businessId AND mode = @mode
                """, new { changeId = Ids.New(Ids.ScheduledChange), productId = plan.ProductId, quantity = plan.Quantity, now, id, businessId = tenant.BusinessId, mode = tenant.ModeText },
                transaction, cancellationToken: cancellationToken));
            await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.Updated, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new PlanChangeAnswer(preview, null, ChargeOutcome.Succeeded);
        }
        var order = new PlanChangeOrder(plan, quote.ResetsCycle, input.MetadataJson);
        if (quote.Charge == 0)
        {
            await transitions.ApplyPlanChangeAsync(connection, transaction, subscription, order, now, cancellationToken);
            if (quote.Credit > 0)
            {
                await wallets.ApplyAsync(connection, transaction, tenant, new LedgerChange(subscription.CustomerId, Money.Of(quote.Credit, subscription.Currency), true,
                    LedgerEventType.Refund, $"Unused time on {subscription.ProductName} after a plan change", id), cancellationToken: cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            mailSignal.Wake();
            return new PlanChangeAnswer(preview, null, ChargeOutcome.Succeeded);
        }
        var applyAnyway = onFailure == "apply_change";
        var started = await charges.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.PlanChange, quote.Charge, plan.ProductId,
            plan.ProductName, plan.ProductDescription, plan.Quantity, plan.UnitAmount, UseWallet: true, subscription.PaymentMethodId,
            input.MetadataJson ?? Metadata.EmptyJson, PlanChange: order, ApplyOnFailure: applyAnyway, DueOnFailure: applyAnyway), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var outcome = await charges.CompleteAsync(started, cancellationToken);
        if (outcome == ChargeOutcome.Failed && !applyAnyway)
        {
            return new SubscriptionFailure.PaymentDeclined(started.PaymentId);
        }
        return new PlanChangeAnswer(preview, started.PaymentId, outcome);
    }

    private static async Task<Result<(SubscriptionPlan Plan, string OnFailure), SubscriptionFailure>> CheckAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, ChangePlanInput input, CancellationToken cancellationToken)
    {
        if (subscription.Status != SubscriptionStatus.Active)
        {
            return new SubscriptionFailure.NotActive(subscription.Status, SubscriptionAction.ChangePlan);
        }
        if (subscription.OnDemand)
        {
            return new SubscriptionFailure.OnDemandHasNoPlan();
        }
        if (subscription.ScheduledChangeId is not null)
        {
            return new SubscriptionFailure.ScheduledChangeExists();
        }
        var found = await ProductStore.FindManyAsync(connection, subscription.Tenant, [input.ProductId, subscription.ProductId], cancellationToken);
        var current = found.Single(p => p.Id == subscription.ProductId);
        if (found.FirstOrDefault(p => p.Id == input.ProductId) is not { Archived: false } target)
        {
            return Invalid("is not an active product of this business");
        }
        if (!target.IsRecurring)
        {
            return Invalid("is a one-time product; a subscription can only change to a subscription or usage-based product");
        }
        if (target.Id != current.Id && (current.ProductCollectionId is null || target.ProductCollectionId != current.ProductCollectionId))
        {
            return Invalid("is not in the same product collection as the subscription's product");
        }
        if (target.Currency != subscription.Currency)
        {
            return Invalid($"is priced in {target.Currency}, the subscription in {subscription.Currency}");
        }
        if (target.Id == subscription.ProductId && input.Quantity == subscription.Quantity)
        {
            return Invalid("is already the subscription's plan at this quantity");
        }
        var collectionDefault = current.ProductCollectionId is null ? null : await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT on_payment_failure FROM product_collections WHERE id = @id AND business_id = @businessId AND mode = @mode",
            new { id = current.ProductCollectionId, businessId = subscription.BusinessId, mode = subscription.Mode }, transaction, cancellationToken: cancellationToken));
        return (SubscriptionPlan.Of(target, input.Quantity), input.OnPaymentFailure ?? collectionDefault ?? "apply_change");
    }

    private static SubscriptionFailure.Invalid Invalid(string problem) => new(new ValidationError("product_id", problem));
}
