using Clientele.Features.Subscriptions.Billing;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

/// <summary>
/// An on-demand charge of an active subscription with its saved card (wallet first unless told otherwise); answers the payment's id.
/// With an idempotency key, a repeat (a double submit) answers the first charge's payment and charges nothing.
/// </summary>
public sealed class ChargeSubscription(NpgsqlDataSource dataSource, SubscriptionCharges charges)
{
    public async Task<Result<string, SubscriptionFailure>> RunAsync(Tenant tenant, string id, ChargeInput input, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: true) is not { } subscription)
        {
            return new SubscriptionFailure.NotFound();
        }
        // Under the subscription's row lock: a second request with the key waits for the first, then finds its charge.
        if (input.IdempotencyKey is { } key && await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT payment_id FROM subscription_charges WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @key",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, key = ChargeRequestPlan.KeyOf(id, ChargeKinds.OnDemand, key) }, transaction,
            cancellationToken: cancellationToken)) is { } firstPayment)
        {
            return firstPayment;
        }
        if (subscription.Status != SubscriptionStatus.Active)
        {
            return new SubscriptionFailure.NotActive(subscription.Status, SubscriptionAction.Charge);
        }
        if (input.ProductCurrency is { } currency && currency != subscription.Currency)
        {
            return new SubscriptionFailure.Invalid(new ValidationError("product_currency", $"must be the subscription's currency {subscription.Currency}"));
        }
        if (subscription.PaymentMethodId is null)
        {
            return new SubscriptionFailure.PaymentMethodMissing();
        }
        if (subscription.ChargeInFlight is not null)
        {
            return new SubscriptionFailure.ChargeInProgress();
        }
        var started = await charges.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.OnDemand, input.ProductPrice, subscription.ProductId,
            input.ProductDescription ?? subscription.ProductName, null, 1, input.ProductPrice, input.UseWallet, subscription.PaymentMethodId, input.MetadataJson, IdempotencyKey: input.IdempotencyKey), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await charges.CompleteAsync(started, cancellationToken);
        return started.PaymentId;
    }
}
