using Clientele.Features.Catalog;
using Clientele.Features.Checkout;
using Clientele.Features.Customers;
using Clientele.Features.Subscriptions.Billing;
using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

public sealed record CreatedSubscription(string SubscriptionId, string PaymentId, string? PaymentLink, DateTime? ExpiresOn, long RecurringPreTaxAmount, long? TrialAmount, Subscription Subscription);

/// <summary>
/// Starts a subscription: with a saved card it is charged at once (active or failed), with nothing
/// to pay (a free trial, a mandate) it is active at once, otherwise the answer carries the hosted
/// page where the customer pays and the subscription stays pending until they do.
/// </summary>
public sealed class CreateSubscription(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    CustomerStore customers,
    ProductStore products,
    SubscriptionCharges charges,
    SubscriptionEvents events,
    SubscriptionLifecycle lifecycle,
    IOptions<PublicUrlOptions> urls)
{
    public async Task<Result<CreatedSubscription, SubscriptionFailure>> RunAsync(Tenant tenant, CreateSubscriptionInput input, CancellationToken cancellationToken)
    {
        string customerId;
        if (input.CustomerId is not null)
        {
            if (await customers.FindAsync(tenant, input.CustomerId, cancellationToken) is null)
            {
                return Invalid("customer.customer_id", "is not a customer of this business");
            }
            customerId = input.CustomerId;
        }
        else
        {
            customerId = (await customers.CreateOrGetAsync(tenant, new NewCustomer(input.CustomerName ?? input.CustomerEmail!, input.CustomerEmail!, null, Metadata.EmptyJson), cancellationToken)).Customer.Id;
        }
        if (await products.FindAsync(tenant, input.ProductId, cancellationToken) is not { Archived: false } product)
        {
            return Invalid("product_id", "is not an active product of this business");
        }
        if (!product.IsRecurring)
        {
            return Invalid("product_id", "is a one-time product; subscriptions need a recurring or usage-based price");
        }
        foreach (var (field, currency) in new[] { ("billing_currency", input.BillingCurrency), ("on_demand.product_currency", input.OnDemand?.ProductCurrency) })
        {
            if (currency is not null && currency != product.Currency)
            {
                return Invalid(field, $"must be the product's currency {product.Currency} (no currency conversion)");
            }
        }
        var plan = SubscriptionPlan.Of(product, input.Quantity);
        var trialDays = input.OnDemand is not null ? 0 : input.TrialPeriodDays ?? product.TrialPeriodDays;
        long? trialUnit = trialDays > 0 ? product.TrialAmount ?? 0 : null;
        var initial = input.OnDemand is { } onDemand
            ? onDemand.MandateOnly ? 0 : onDemand.ProductPrice ?? plan.Amount
            : trialUnit is { } unit ? checked(unit * input.Quantity) : plan.Amount;
        var now = clock.GetUtcNow().UtcDateTime;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (input.PaymentMethodId is not null && !await SubscriptionPayments.IsSavedMethodAsync(connection, transaction, tenant, customerId, input.PaymentMethodId, cancellationToken))
        {
            return Invalid("payment_method_id", "is not a saved payment method of this customer");
        }
        var subscriptionId = Ids.New(Ids.Subscription);
        await InsertAsync(connection, transaction, tenant, subscriptionId, customerId, plan, input, trialDays, trialUnit, now, cancellationToken);
        var subscription = (await SubscriptionStore.FindAsync(connection, transaction, tenant, subscriptionId, cancellationToken, forUpdate: true))!;
        var lineName = input.OnDemand?.ProductDescription ?? product.Name;
        var lineUnit = input.Quantity == 0 ? 0 : initial / input.Quantity;

        if (input.PaymentMethodId is null)
        {
            // The customer pays the first amount on the hosted page; the subscription starts when they do.
            var cart = new CartLine(product.Id, lineName, product.Description, input.Quantity, lineUnit, 0, initial);
            var request = new CheckoutRequest([], customerId, null, null, input.Billing, input.ReturnUrl, input.MetadataJson);
            var session = await CheckoutStore.InsertAsync(connection, transaction, tenant, request, [cart], product.Currency, now, (subscriptionId, "subscription"), cancellationToken);
            var paymentId = await SubscriptionPayments.AwaitingHostedPageAsync(connection, transaction, subscription, session.Id, cart, input.MetadataJson, isUpdate: false, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CreatedSubscription(subscriptionId, paymentId, CheckoutsApi.CheckoutUrl(urls.Value, tenant.Mode, session.Id), session.ExpiresAt,
                plan.Amount, trialUnit, subscription);
        }
        if (initial == 0)
        {
            // Nothing to pay now (a free trial, a mandate): the saved method is enough to start.
            var paymentId = await SubscriptionPayments.FreeAsync(connection, transaction, subscription, lineName, input.MetadataJson, now, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE subscriptions SET status = 'active', updated_at = @now WHERE id = @subscriptionId AND business_id = @businessId AND mode = @mode",
                new { now, subscriptionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
            await lifecycle.IssueKeysAsync(connection, transaction, tenant, paymentId, subscriptionId, cancellationToken);
            await events.EmitAsync(connection, transaction, tenant, subscriptionId, SubscriptionEventTypes.Active, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CreatedSubscription(subscriptionId, paymentId, null, null, plan.Amount, trialUnit, subscription);
        }
        var started = await charges.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.Initial, initial, product.Id, lineName,
            product.Description, input.Quantity, lineUnit, UseWallet: true, input.PaymentMethodId, input.MetadataJson), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await charges.CompleteAsync(started, cancellationToken);
        return new CreatedSubscription(subscriptionId, started.PaymentId, null, null, plan.Amount, trialUnit, subscription);
    }

    private static Task<int> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, string customerId, SubscriptionPlan plan,
        CreateSubscriptionInput input, int trialDays, long? trialUnit, DateTime now, CancellationToken cancellationToken)
    {
        var dates = BillingPeriods.Start(now, trialDays, plan.PaymentFrequencyCount, plan.PaymentFrequencyInterval, plan.SubscriptionPeriodCount, plan.SubscriptionPeriodInterval);
        return connection.ExecuteAsync(new CommandDefinition("""
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
                anchor = dates.Anchor,
                nextPeriod = dates.NextPeriod,
                nextBillingDate = dates.NextBillingDate,
                expiresAt = dates.ExpiresAt,
                now,
            }, transaction, cancellationToken: cancellationToken));
    }

    private static SubscriptionFailure.Invalid Invalid(string field, string problem) => new(new ValidationError(field, problem));
}
