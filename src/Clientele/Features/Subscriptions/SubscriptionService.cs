using Clientele.Features.Catalog;
using Clientele.Features.Checkout;
using Clientele.Features.Customers;
using Clientele.Features.Wallets;
using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>An operation's answer: its value, or the API error to send instead.</summary>
public sealed record Outcome<T>(T? Value, ApiErrorResult? Error)
{
    public static implicit operator Outcome<T>(ApiErrorResult error) => new(default, error);

    public static Outcome<T> Ok(T value) => new(value, null);
}

public sealed record CreatedSubscription(string SubscriptionId, string PaymentId, string? PaymentLink, DateTime? ExpiresOn, long RecurringPreTaxAmount, long? TrialAmount, Subscription Subscription);

public sealed record PaymentLinkAnswer(string? PaymentId, string? PaymentLink, DateTime? ExpiresOn);

/// <summary>The merchant's (and later the portal's) operations on subscriptions. Each runs in one transaction holding the subscription's row lock.</summary>
public sealed class SubscriptionService(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    CustomerStore customers,
    ProductStore products,
    SubscriptionSettingsStore settings,
    SubscriptionBilling billing,
    SubscriptionEvents events,
    SubscriptionEmails emails,
    SubscriptionLifecycle lifecycle,
    WalletLedger wallets,
    EmailDispatchSignal mailSignal,
    IOptions<PublicUrlOptions> urls)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Outcome<CreatedSubscription>> CreateAsync(Tenant tenant, CreateSubscriptionInput input, CancellationToken cancellationToken)
    {
        string customerId;
        if (input.CustomerId is not null)
        {
            if (await customers.FindAsync(tenant, input.CustomerId, cancellationToken) is null)
            {
                return ApiResults.Invalid(new ValidationError("customer.customer_id", "is not a customer of this business"));
            }
            customerId = input.CustomerId;
        }
        else
        {
            customerId = (await customers.CreateOrGetAsync(tenant, new NewCustomer(input.CustomerName ?? input.CustomerEmail!, input.CustomerEmail!, null, Metadata.EmptyJson), cancellationToken)).Customer.Id;
        }
        if (await products.FindAsync(tenant, input.ProductId, cancellationToken) is not { Archived: false } product)
        {
            return ApiResults.Invalid(new ValidationError("product_id", "is not an active product of this business"));
        }
        if (!product.IsRecurring)
        {
            return ApiResults.Invalid(new ValidationError("product_id", "is a one-time product; subscriptions need a recurring or usage-based price"));
        }
        foreach (var (field, currency) in new[] { ("billing_currency", input.BillingCurrency), ("on_demand.product_currency", input.OnDemand?.ProductCurrency) })
        {
            if (currency is not null && currency != product.Currency)
            {
                return ApiResults.Invalid(new ValidationError(field, $"must be the product's currency {product.Currency} (no currency conversion)"));
            }
        }
        var plan = SubscriptionPlan.Of(product, input.Quantity);
        var trialDays = input.OnDemand is not null ? 0 : input.TrialPeriodDays ?? product.TrialPeriodDays;
        long? trialUnit = trialDays > 0 ? product.TrialAmount ?? 0 : null;
        var initial = input.OnDemand is { } onDemand
            ? onDemand.MandateOnly ? 0 : onDemand.ProductPrice ?? plan.Amount
            : trialUnit is { } unit ? checked(unit * input.Quantity) : plan.Amount;
        var now = Now;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (input.PaymentMethodId is not null && !await MethodBelongsAsync(connection, transaction, tenant, customerId, input.PaymentMethodId, cancellationToken))
        {
            return ApiResults.Invalid(new ValidationError("payment_method_id", "is not a saved payment method of this customer"));
        }
        var subscriptionId = Ids.New(Ids.Subscription);
        var dates = StartDates(now, trialDays, plan);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO subscriptions (id, business_id, mode, customer_id, product_id, quantity, status, currency, unit_amount, recurring_pre_tax_amount,
                tax_inclusive, payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval,
                trial_period_days, trial_amount, on_demand, billing, metadata, tax_id, payment_method_id, billing_anchor, next_period,
                previous_billing_date, next_billing_date, expires_at, created_at, updated_at)
            VALUES (@id, @businessId, @mode, @customerId, @ProductId, @Quantity, 'pending', @Currency, @UnitAmount, @Amount,
                @TaxInclusive, @PaymentFrequencyCount, @PaymentFrequencyInterval, @SubscriptionPeriodCount, @SubscriptionPeriodInterval,
                @trialDays, @trialUnit, @onDemand, @billing::jsonb, @metadata::jsonb, @taxId, @methodId, @anchor, @nextPeriod,
                @now, @nextBillingDate, @expiresAt, @now, @now)
            """,
            new
            {
                id = subscriptionId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                customerId,
                plan.ProductId,
                plan.Quantity,
                plan.Currency,
                plan.UnitAmount,
                plan.Amount,
                plan.TaxInclusive,
                plan.PaymentFrequencyCount,
                plan.PaymentFrequencyInterval,
                plan.SubscriptionPeriodCount,
                plan.SubscriptionPeriodInterval,
                trialDays,
                trialUnit,
                onDemand = input.OnDemand is not null,
                billing = System.Text.Json.JsonSerializer.Serialize(input.Billing, SubscriptionJson.Options),
                metadata = input.MetadataJson,
                taxId = input.TaxId,
                methodId = input.PaymentMethodId,
                dates.Anchor,
                dates.NextPeriod,
                dates.NextBillingDate,
                dates.ExpiresAt,
                now,
            }, transaction, cancellationToken: cancellationToken));
        var subscription = (await SubscriptionStore.FindAsync(connection, transaction, tenant, subscriptionId, cancellationToken, forUpdate: true))!;
        var lineName = input.OnDemand?.ProductDescription ?? product.Name;
        var lineUnit = input.Quantity == 0 ? 0 : initial / input.Quantity;

        if (input.PaymentMethodId is null)
        {
            // The customer pays the first amount on the hosted page; the subscription starts when they do.
            var cart = new CartLine(product.Id, lineName, product.Description, input.Quantity, lineUnit, 0, initial);
            var request = new CheckoutRequest([], customerId, null, null, input.Billing, input.ReturnUrl, input.MetadataJson);
            var session = await CheckoutStore.InsertAsync(connection, transaction, tenant, request, [cart], product.Currency, now, (subscriptionId, "subscription"), cancellationToken);
            var paymentId = await InsertAwaitingPaymentAsync(connection, transaction, subscription, session.Id, cart, input.MetadataJson, isUpdate: false, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Outcome<CreatedSubscription>.Ok(new(subscriptionId, paymentId, CheckoutsApi.CheckoutUrl(urls.Value, tenant.Mode, session.Id), session.ExpiresAt,
                plan.Amount, trialUnit, subscription));
        }
        if (initial == 0)
        {
            // Nothing to pay now (a free trial, a mandate): the saved method is enough to start.
            var paymentId = await InsertZeroPaymentAsync(connection, transaction, subscription, lineName, input.MetadataJson, now, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriptions SET status = 'active', updated_at = @now WHERE id = @subscriptionId AND business_id = @businessId AND mode = @mode",
                new { now, subscriptionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
            await lifecycle.IssueKeysAsync(connection, transaction, tenant, paymentId, subscriptionId, cancellationToken);
            await events.EmitAsync(connection, transaction, tenant, subscriptionId, SubscriptionEventTypes.Active, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Outcome<CreatedSubscription>.Ok(new(subscriptionId, paymentId, null, null, plan.Amount, trialUnit, subscription));
        }
        var started = await billing.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.Initial, initial, product.Id, lineName,
            product.Description, input.Quantity, lineUnit, UseWallet: true, input.PaymentMethodId, input.MetadataJson), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await billing.CompleteAsync(started, cancellationToken);
        return Outcome<CreatedSubscription>.Ok(new(subscriptionId, started.PaymentId, null, null, plan.Amount, trialUnit, subscription));
    }

    /// <summary>
    /// Called by the hosted page in the transaction that records a successful payment of a session
    /// tied to a subscription: a new subscription starts (its dates counted from now), or a repaired
    /// one takes the new card and, if it was on hold, is reactivated by that payment of its dues.
    /// </summary>
    public async Task CheckoutPaidAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CheckoutSession session, string paymentId, string? paymentMethodId, CancellationToken cancellationToken)
    {
        var tenant = session.Tenant;
        if (session.SubscriptionId is not { } subscriptionId
            || await SubscriptionStore.FindAsync(connection, transaction, tenant, subscriptionId, cancellationToken, forUpdate: true) is not { } subscription)
        {
            return;
        }
        var now = Now;
        var args = new { id = subscriptionId, businessId = tenant.BusinessId, mode = tenant.ModeText, now, paymentMethodId };
        if (session.Purpose == "subscription" && subscription.Status == SubscriptionStatus.Pending)
        {
            var dates = StartDates(now, subscription.TrialPeriodDays, subscription);
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE subscriptions SET status = 'active', payment_method_id = @paymentMethodId, billing_anchor = @Anchor, next_period = @NextPeriod,
                    previous_billing_date = @now, next_billing_date = @NextBillingDate, expires_at = @ExpiresAt, updated_at = @now
                WHERE id = @id AND business_id = @businessId AND mode = @mode
                """, new { args.id, args.businessId, args.mode, now, paymentMethodId, dates.Anchor, dates.NextPeriod, dates.NextBillingDate, dates.ExpiresAt },
                transaction, cancellationToken: cancellationToken));
            await lifecycle.IssueKeysAsync(connection, transaction, tenant, paymentId, subscriptionId, cancellationToken);
            await events.EmitAsync(connection, transaction, tenant, subscriptionId, SubscriptionEventTypes.Active, cancellationToken);
        }
        else if (session.Purpose == "update_payment_method" && !subscription.IsTerminal && paymentMethodId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriptions SET payment_method_id = @paymentMethodId, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
                args, transaction, cancellationToken: cancellationToken));
            if (subscription.Status == SubscriptionStatus.OnHold)
            {
                await billing.ReactivateAsync(connection, transaction, subscription, paymentId, now, cancellationToken);
            }
            else
            {
                await events.EmitAsync(connection, transaction, tenant, subscriptionId, SubscriptionEventTypes.UpdatePaymentMethod, cancellationToken);
            }
        }
    }

    public async Task<Outcome<Subscription>> PatchAsync(Tenant tenant, string id, PatchSubscriptionInput input, CancellationToken cancellationToken)
    {
        var now = Now;
        var pauseSetting = input.Pause == true || input.Status == SubscriptionStatus.Paused ? await settings.GetAsync(tenant, cancellationToken) : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: true) is not { } subscription)
        {
            return ApiResults.NotFound("Subscription");
        }
        if (input == PatchSubscriptionInput.Empty)
        {
            // PATCH {} is a no-op: no write, no event.
            return Outcome<Subscription>.Ok(subscription);
        }
        var args = new { id, businessId = tenant.BusinessId, mode = tenant.ModeText, now };
        var changesState = input.CancelAtNextBillingDate is not null || input.Pause is not null || input.Status is not null
            || input.NextBillingDate is not null || input.DisableOnDemandNextBillingDate is not null || input.SubscriptionPeriodCount is not null;
        if (subscription.IsTerminal && changesState)
        {
            return ApiResults.Unprocessable("SUBSCRIPTION_INACTIVE", $"The subscription is {subscription.Status}; only its metadata and billing details can change");
        }
        if (changesState && subscription.ChargeInFlight is not null)
        {
            return ApiResults.Conflict("CHARGE_IN_PROGRESS", "A payment for this subscription is being processed; try again in a moment");
        }

        var pause = input.Pause ?? input.Status switch { SubscriptionStatus.Paused => true, SubscriptionStatus.Active => false, _ => (bool?)null };
        if (pause == true)
        {
            if (!pauseSetting!.AllowCustomerPause)
            {
                return ApiResults.Forbidden("PAUSE_NOT_ALLOWED", "This business does not allow pausing subscriptions (settings: allow_customer_pause)");
            }
            if (subscription.Status != SubscriptionStatus.Active)
            {
                return ApiResults.Unprocessable(subscription.Status == SubscriptionStatus.Paused ? "SUBSCRIPTION_ALREADY_PAUSED" : "SUBSCRIPTION_NOT_ACTIVE",
                    $"Only an active subscription can be paused; this one is {subscription.Status}");
            }
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriptions SET status = 'paused', paused_at = @now, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
                args, transaction, cancellationToken: cancellationToken));
            await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.Paused, cancellationToken);
            return await CommitAndReadAsync(connection, transaction, tenant, id, cancellationToken);
        }
        if (pause == false)
        {
            if (subscription.Status != SubscriptionStatus.Paused)
            {
                return ApiResults.Unprocessable("SUBSCRIPTION_NOT_PAUSED", $"Only a paused subscription can be resumed; this one is {subscription.Status}");
            }
            // Billing dates move by the time spent paused: the customer keeps the days they had left.
            var shift = now - subscription.PausedAt!.Value;
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE subscriptions SET status = 'active', paused_at = NULL, billing_anchor = billing_anchor + @shift,
                    next_billing_date = next_billing_date + @shift, expires_at = expires_at + @shift, renewal_notice_for = NULL, updated_at = @now
                WHERE id = @id AND business_id = @businessId AND mode = @mode
                """, new { args.id, args.businessId, args.mode, now, shift }, transaction, cancellationToken: cancellationToken));
            await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.Unpaused, cancellationToken);
            return await CommitAndReadAsync(connection, transaction, tenant, id, cancellationToken);
        }

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
                args.id,
                args.businessId,
                args.mode,
                now,
            }, transaction, cancellationToken: cancellationToken));

        if (input.Status == SubscriptionStatus.Cancelled)
        {
            await billing.EndAsync(connection, transaction, subscription, SubscriptionStatus.Cancelled, now, cancellationToken);
            return await CommitAndReadAsync(connection, transaction, tenant, id, cancellationToken, wake: true);
        }
        var emailKind = (SubscriptionEmailKind?)null;
        if (input.CancelAtNextBillingDate is { } cancelAtEnd && cancelAtEnd != subscription.CancelAtNextBillingDate)
        {
            if (cancelAtEnd && subscription.Status != SubscriptionStatus.Active)
            {
                return ApiResults.Unprocessable("SUBSCRIPTION_NOT_ACTIVE", $"Only an active subscription can be set to cancel at its next billing date; this one is {subscription.Status} (cancel it now instead)");
            }
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriptions SET cancel_at_next_billing_date = @cancelAtEnd, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
                new { cancelAtEnd, args.id, args.businessId, args.mode, now }, transaction, cancellationToken: cancellationToken));
            emailKind = cancelAtEnd ? SubscriptionEmailKind.CancelScheduled : null;
        }
        if (input.NextBillingDate is { } nextDate)
        {
            if (nextDate <= now || subscription.Status != SubscriptionStatus.Active)
            {
                return ApiResults.Invalid(new ValidationError("next_billing_date", nextDate <= now ? "must be in the future" : $"can only be moved on an active subscription; this one is {subscription.Status}"));
            }
            await MoveNextBillingDateAsync(connection, transaction, tenant, id, nextDate, onDemand: null, now, cancellationToken);
        }
        if (input.DisableOnDemandNextBillingDate is { } firstRenewal)
        {
            if (!subscription.OnDemand || firstRenewal <= now)
            {
                return ApiResults.Invalid(new ValidationError("disable_on_demand.next_billing_date", !subscription.OnDemand ? "applies only to on-demand subscriptions" : "must be in the future"));
            }
            await MoveNextBillingDateAsync(connection, transaction, tenant, id, firstRenewal, onDemand: false, now, cancellationToken);
        }
        await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.Updated, cancellationToken);
        if (emailKind is { } kind)
        {
            await emails.QueueAsync(connection, transaction, tenant, id, kind, cancellationToken);
        }
        return await CommitAndReadAsync(connection, transaction, tenant, id, cancellationToken, wake: emailKind is not null);
    }

    public async Task<Outcome<PlanChangeAnswer>> ChangePlanAsync(Tenant tenant, string id, ChangePlanInput input, bool previewOnly, CancellationToken cancellationToken)
    {
        var now = Now;
        if (!(await settings.GetAsync(tenant, cancellationToken)).AllowPlanChanges)
        {
            return ApiResults.Forbidden("PLAN_CHANGES_DISABLED", "This business does not allow subscription plan changes (settings: allow_plan_changes)");
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: !previewOnly) is not { } subscription)
        {
            return ApiResults.NotFound("Subscription");
        }
        var checkedChange = await CheckPlanChangeAsync(connection, transaction, subscription, input, cancellationToken);
        if (checkedChange.Error is not null)
        {
            return checkedChange.Error;
        }
        var (plan, onFailure) = checkedChange.Value!;
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
            return Outcome<PlanChangeAnswer>.Ok(new PlanChangeAnswer(preview, null, null));
        }
        if (subscription.ChargeInFlight is not null)
        {
            return ApiResults.Conflict("CHARGE_IN_PROGRESS", "A payment for this subscription is being processed; try again in a moment");
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
            return Outcome<PlanChangeAnswer>.Ok(new PlanChangeAnswer(preview, null, ChargeOutcome.Succeeded));
        }
        var order = new PlanChangeOrder(plan, quote.ResetsCycle, input.MetadataJson);
        if (quote.Charge == 0)
        {
            await billing.ApplyPlanChangeAsync(connection, transaction, subscription, order, now, cancellationToken);
            if (quote.Credit > 0)
            {
                await wallets.ApplyAsync(connection, transaction, tenant, new LedgerChange(subscription.CustomerId, Currency.Find(subscription.Currency), quote.Credit, true,
                    LedgerEventType.Refund, $"Unused time on {subscription.ProductName} after a plan change", id), cancellationToken: cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            mailSignal.Wake();
            return Outcome<PlanChangeAnswer>.Ok(new PlanChangeAnswer(preview, null, ChargeOutcome.Succeeded));
        }
        var applyAnyway = onFailure == "apply_change";
        var started = await billing.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.PlanChange, quote.Charge, plan.ProductId,
            plan.ProductName, plan.ProductDescription, plan.Quantity, plan.UnitAmount, UseWallet: true, subscription.PaymentMethodId,
            input.MetadataJson ?? Metadata.EmptyJson, PlanChange: order, ApplyOnFailure: applyAnyway, DueOnFailure: applyAnyway), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var outcome = await billing.CompleteAsync(started, cancellationToken);
        if (outcome == ChargeOutcome.Failed && !applyAnyway)
        {
            return ApiResults.Unprocessable("PAYMENT_FAILED", $"The payment {started.PaymentId} for the plan change was declined; the plan was not changed (on_payment_failure: prevent_change)");
        }
        return Outcome<PlanChangeAnswer>.Ok(new PlanChangeAnswer(preview, started.PaymentId, outcome));
    }

    private static async Task<Outcome<(SubscriptionPlan Plan, string OnFailure)>> CheckPlanChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, ChangePlanInput input, CancellationToken cancellationToken)
    {
        if (subscription.Status != SubscriptionStatus.Active)
        {
            return ApiResults.Unprocessable("SUBSCRIPTION_NOT_ACTIVE", $"Only an active subscription can change plans; this one is {subscription.Status}");
        }
        if (subscription.OnDemand)
        {
            return ApiResults.Unprocessable("SUBSCRIPTION_ON_DEMAND", "An on-demand subscription has no plan to change");
        }
        if (subscription.ScheduledChangeId is not null)
        {
            return ApiResults.Conflict("SCHEDULED_CHANGE_EXISTS", "A plan change is already scheduled; delete it first (DELETE /subscriptions/{id}/change-plan/scheduled)");
        }
        var found = await ProductStore.FindManyAsync(connection, subscription.Tenant, [input.ProductId, subscription.ProductId], cancellationToken);
        var current = found.Single(p => p.Id == subscription.ProductId);
        if (found.FirstOrDefault(p => p.Id == input.ProductId) is not { Archived: false } target)
        {
            return ApiResults.Invalid(new ValidationError("product_id", "is not an active product of this business"));
        }
        if (!target.IsRecurring)
        {
            return ApiResults.Invalid(new ValidationError("product_id", "is a one-time product; a subscription can only change to a subscription or usage-based product"));
        }
        if (target.Id != current.Id && (current.ProductCollectionId is null || target.ProductCollectionId != current.ProductCollectionId))
        {
            return ApiResults.Invalid(new ValidationError("product_id", "is not in the same product collection as the subscription's product"));
        }
        if (target.Currency != subscription.Currency)
        {
            return ApiResults.Invalid(new ValidationError("product_id", $"is priced in {target.Currency}, the subscription in {subscription.Currency}"));
        }
        if (target.Id == subscription.ProductId && input.Quantity == subscription.Quantity)
        {
            return ApiResults.Invalid(new ValidationError("product_id", "is already the subscription's plan at this quantity"));
        }
        var collectionDefault = current.ProductCollectionId is null ? null : await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT on_payment_failure FROM product_collections WHERE id = @id", new { id = current.ProductCollectionId }, transaction, cancellationToken: cancellationToken));
        return Outcome<(SubscriptionPlan, string)>.Ok((SubscriptionPlan.Of(target, input.Quantity), input.OnPaymentFailure ?? collectionDefault ?? "apply_change"));
    }

    public async Task<Outcome<bool>> DeleteScheduledChangeAsync(Tenant tenant, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var cleared = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET scheduled_change_id = NULL, scheduled_product_id = NULL, scheduled_quantity = NULL, scheduled_created_at = NULL, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND scheduled_change_id IS NOT NULL
            """, new { id, businessId = tenant.BusinessId, mode = tenant.ModeText, now = Now }, transaction, cancellationToken: cancellationToken));
        if (cleared == 0)
        {
            return ApiResults.NotFound("Scheduled plan change");
        }
        await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.Updated, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome<bool>.Ok(true);
    }

    public async Task<Outcome<string>> ChargeAsync(Tenant tenant, string id, ChargeInput input, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: true) is not { } subscription)
        {
            return ApiResults.NotFound("Subscription");
        }
        if (subscription.Status != SubscriptionStatus.Active)
        {
            return ApiResults.Unprocessable("SUBSCRIPTION_NOT_ACTIVE", $"Only an active subscription can be charged; this one is {subscription.Status}");
        }
        if (input.ProductCurrency is { } currency && currency != subscription.Currency)
        {
            return ApiResults.Invalid(new ValidationError("product_currency", $"must be the subscription's currency {subscription.Currency}"));
        }
        if (subscription.PaymentMethodId is null)
        {
            return ApiResults.Unprocessable("PAYMENT_METHOD_MISSING", "The subscription has no saved payment method to charge");
        }
        if (subscription.ChargeInFlight is not null)
        {
            return ApiResults.Conflict("CHARGE_IN_PROGRESS", "A payment for this subscription is being processed; try again in a moment");
        }
        var started = await billing.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.OnDemand, input.ProductPrice, subscription.ProductId,
            input.ProductDescription ?? subscription.ProductName, null, 1, input.ProductPrice, input.UseWallet, subscription.PaymentMethodId, input.MetadataJson), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await billing.CompleteAsync(started, cancellationToken);
        return Outcome<string>.Ok(started.PaymentId);
    }

    /// <summary>
    /// A saved method (charged at once for the dues of an on_hold subscription) or a hosted page
    /// that saves a new card (and takes the dues on the way).
    /// </summary>
    public async Task<Outcome<PaymentLinkAnswer>> UpdatePaymentMethodAsync(Tenant tenant, string id, UpdatePaymentMethodInput input, CancellationToken cancellationToken)
    {
        var now = Now;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: true) is not { } subscription)
        {
            return ApiResults.NotFound("Subscription");
        }
        if (subscription.IsTerminal)
        {
            return ApiResults.Unprocessable("SUBSCRIPTION_INACTIVE", $"The subscription is {subscription.Status}");
        }
        if (subscription.ChargeInFlight is not null)
        {
            return ApiResults.Conflict("CHARGE_IN_PROGRESS", "A payment for this subscription is being processed; try again in a moment");
        }
        var dues = subscription.Status == SubscriptionStatus.OnHold
            ? await connection.QuerySingleAsync<long>(new CommandDefinition(
                "SELECT coalesce(sum(amount), 0)::bigint FROM subscription_charges WHERE subscription_id = @id AND business_id = @businessId AND mode = @mode AND is_due AND settled_by IS NULL",
                new { id, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken))
            : 0;
        if (input.Type == "new")
        {
            var cart = new CartLine(subscription.ProductId, subscription.ProductName, null, 1, dues, 0, dues);
            var request = new CheckoutRequest([], subscription.CustomerId, null, null, subscription.BillingAddress, input.ReturnUrl, Metadata.EmptyJson);
            var session = await CheckoutStore.InsertAsync(connection, transaction, tenant, request, [cart], subscription.Currency, now, (id, "update_payment_method"), cancellationToken);
            var paymentId = await InsertAwaitingPaymentAsync(connection, transaction, subscription, session.Id, cart, Metadata.EmptyJson, isUpdate: true, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Outcome<PaymentLinkAnswer>.Ok(new(paymentId, CheckoutsApi.CheckoutUrl(urls.Value, tenant.Mode, session.Id), session.ExpiresAt));
        }
        if (!await MethodBelongsAsync(connection, transaction, tenant, subscription.CustomerId, input.PaymentMethodId!, cancellationToken))
        {
            return ApiResults.Invalid(new ValidationError("payment_method_id", "is not a saved payment method of the subscription's customer"));
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET payment_method_id = @methodId, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
            new { methodId = input.PaymentMethodId, now, id, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (subscription.Status != SubscriptionStatus.OnHold)
        {
            await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.UpdatePaymentMethod, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Outcome<PaymentLinkAnswer>.Ok(new(null, null, null));
        }
        if (dues == 0)
        {
            await billing.ReactivateAsync(connection, transaction, subscription, paymentId: null, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Outcome<PaymentLinkAnswer>.Ok(new(null, null, null));
        }
        // The seeds' order: a charge for the dues (its payment), then the invoice and the processing
        // with the new method, then active on success (SubscriptionBilling.FinishAsync).
        var started = await billing.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.Dues, dues, subscription.ProductId,
            subscription.ProductName, null, subscription.Quantity, subscription.UnitAmount, UseWallet: true, input.PaymentMethodId, Metadata.EmptyJson), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await billing.CompleteAsync(started, cancellationToken);
        return Outcome<PaymentLinkAnswer>.Ok(new(started.PaymentId, null, null));
    }

    /// <summary>The first period's dates: a trial runs from now to the anchor; without one the first period starts now and is paid now.</summary>
    private static (DateTime Anchor, int NextPeriod, DateTime NextBillingDate, DateTime ExpiresAt) StartDates(DateTime now, int trialDays, SubscriptionPlan plan) =>
        StartDates(now, trialDays, plan.PaymentFrequencyCount, plan.PaymentFrequencyInterval, plan.SubscriptionPeriodCount, plan.SubscriptionPeriodInterval);

    private static (DateTime Anchor, int NextPeriod, DateTime NextBillingDate, DateTime ExpiresAt) StartDates(DateTime now, int trialDays, Subscription s) =>
        StartDates(now, trialDays, s.PaymentFrequencyCount, s.PaymentFrequencyInterval, s.SubscriptionPeriodCount, s.SubscriptionPeriodInterval);

    private static (DateTime Anchor, int NextPeriod, DateTime NextBillingDate, DateTime ExpiresAt) StartDates(DateTime now, int trialDays, int count, string interval, int termCount, string termInterval)
    {
        var anchor = now.AddDays(trialDays);
        var nextPeriod = trialDays > 0 ? 0 : 1;
        return (anchor, nextPeriod, BillingPeriods.PeriodStart(anchor, count, interval, nextPeriod), BillingPeriods.Add(anchor, termCount, termInterval));
    }

    private static async Task MoveNextBillingDateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string id, DateTime next, bool? onDemand, DateTime now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET billing_anchor = @next, next_period = 0, next_billing_date = @next, on_demand = coalesce(@onDemand, on_demand),
                renewal_notice_for = NULL, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode
            """, new { next, onDemand, now, id, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));

    private static Task<bool> MethodBelongsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string customerId, string methodId, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM payment_methods WHERE id = @methodId AND customer_id = @customerId AND business_id = @businessId AND mode = @mode
                AND deleted_at IS NULL AND recurring_enabled)
            """, new { methodId, customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));

    /// <summary>The payment a hosted page will complete, created with the session so the API can name it at once.</summary>
    private static Task<string> InsertAwaitingPaymentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, string sessionId, CartLine line, string metadataJson, bool isUpdate, DateTime now, CancellationToken cancellationToken) =>
        InsertPaymentAsync(connection, transaction, subscription, sessionId, "requires_payment_method", line, metadataJson, isUpdate, now, cancellationToken);

    private static Task<string> InsertZeroPaymentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, string name, string metadataJson, DateTime now, CancellationToken cancellationToken) =>
        InsertPaymentAsync(connection, transaction, subscription, null, "succeeded",
            new CartLine(subscription.ProductId, name, null, subscription.Quantity, 0, 0, 0), metadataJson, false, now, cancellationToken);

    private static async Task<string> InsertPaymentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, string? sessionId, string status, CartLine line, string metadataJson, bool isUpdate, DateTime now, CancellationToken cancellationToken)
    {
        var paymentId = Ids.New(Ids.Payment);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payments (id, business_id, mode, customer_id, checkout_session_id, subscription_id, status, currency, total_amount, billing, metadata,
                is_update_payment_method, created_at, updated_at)
            VALUES (@paymentId, @businessId, @mode, @customerId, @sessionId, @subscriptionId, @status, @currency, @amount, @billing::jsonb, @metadata::jsonb, @isUpdate, @now, @now);
            INSERT INTO payment_line_items (payment_id, product_id, business_id, mode, position, name, description, quantity, unit_amount, amount)
            VALUES (@paymentId, @productId, @businessId, @mode, 0, @name, @description, @quantity, @unitAmount, @amount);
            UPDATE checkout_sessions SET payment_id = @paymentId WHERE id = @sessionId;
            """,
            new
            {
                paymentId,
                businessId = subscription.BusinessId,
                mode = subscription.Mode,
                customerId = subscription.CustomerId,
                sessionId,
                subscriptionId = subscription.Id,
                status,
                currency = subscription.Currency,
                amount = line.Amount,
                billing = subscription.Billing,
                metadata = metadataJson,
                isUpdate,
                now,
                productId = line.ProductId,
                name = line.Name,
                description = line.Description,
                quantity = line.Quantity,
                unitAmount = line.UnitAmount,
            }, transaction, cancellationToken: cancellationToken));
        return paymentId;
    }

    private async Task<Outcome<Subscription>> CommitAndReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string id, CancellationToken cancellationToken, bool wake = false)
    {
        var subscription = (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        if (wake)
        {
            mailSignal.Wake();
        }
        return Outcome<Subscription>.Ok(subscription);
    }
}
