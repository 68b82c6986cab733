using Clientele.Features.Checkout;
using Clientele.Features.Subscriptions.Billing;
using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

/// <summary>What changing a subscription's card produced: the dues' payment (if any) and the hosted page to use (for a new card).</summary>
public sealed record PaymentLinkAnswer(string? PaymentId, string? PaymentLink, DateTime? ExpiresOn);

/// <summary>
/// A saved card (charged at once for the dues of an on_hold subscription) or a hosted page that
/// saves a new card (and takes the dues on the way). In the seeds' order: a charge for the dues
/// (its payment), then the invoice and the processing with the new method, then active on success.
/// </summary>
public sealed class UpdatePaymentMethod(NpgsqlDataSource dataSource, TimeProvider clock, SubscriptionCharges charges, SubscriptionTransitions transitions,
    SubscriptionEvents events, IOptions<PublicUrlOptions> urls)
{
    public Task<Result<PaymentLinkAnswer, SubscriptionFailure>> RunAsync(Tenant tenant, string id, UpdatePaymentMethodInput input, CancellationToken cancellationToken) =>
        RunAsync(tenant, id, input, SubscriptionActor.Merchant, cancellationToken);

    public async Task<Result<PaymentLinkAnswer, SubscriptionFailure>> RunAsync(Tenant tenant, string id, UpdatePaymentMethodInput input, SubscriptionActor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await SubscriptionStore.FindAsync(connection, transaction, tenant, id, cancellationToken, forUpdate: true) is not { } subscription || !actor.MayAct(subscription))
        {
            return new SubscriptionFailure.NotFound();
        }
        if (subscription.IsTerminal)
        {
            return new SubscriptionFailure.Ended(subscription.Status, DetailsOnly: false);
        }
        if (subscription.ChargeInFlight is not null)
        {
            return new SubscriptionFailure.ChargeInProgress();
        }
        var dues = subscription.Status == SubscriptionStatus.OnHold ? await SubscriptionStore.DuesAsync(connection, transaction, subscription, cancellationToken) : 0;
        if (input.Type == "new")
        {
            var cart = new CartLine(subscription.ProductId, subscription.ProductName, null, 1, dues, 0, dues);
            var request = new CheckoutRequest([], subscription.CustomerId, null, null, subscription.BillingAddress, input.ReturnUrl, Metadata.EmptyJson);
            var session = await CheckoutStore.InsertAsync(connection, transaction, tenant, request, [cart], subscription.Currency, now, (id, "update_payment_method"), cancellationToken);
            var paymentId = await SubscriptionPayments.AwaitingHostedPageAsync(connection, transaction, subscription, session.Id, cart, Metadata.EmptyJson, isUpdate: true, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new PaymentLinkAnswer(paymentId, CheckoutsApi.CheckoutUrl(urls.Value, tenant.Mode, session.Id), session.ExpiresAt);
        }
        if (!await SubscriptionPayments.IsSavedMethodAsync(connection, transaction, tenant, subscription.CustomerId, input.PaymentMethodId!, cancellationToken))
        {
            return new SubscriptionFailure.Invalid(new ValidationError("payment_method_id", "is not a saved payment method of the subscription's customer"));
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET payment_method_id = @methodId, updated_at = @now WHERE id = @id AND business_id = @businessId AND mode = @mode",
            new { methodId = input.PaymentMethodId, now, id, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (subscription.Status != SubscriptionStatus.OnHold)
        {
            await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.UpdatePaymentMethod, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new PaymentLinkAnswer(null, null, null);
        }
        if (dues == 0)
        {
            await transitions.ReactivateAsync(connection, transaction, subscription, paymentId: null, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new PaymentLinkAnswer(null, null, null);
        }
        var started = await charges.StartAsync(connection, transaction, subscription, new ChargeRequestPlan(ChargeKinds.Dues, dues, subscription.ProductId,
            subscription.ProductName, null, subscription.Quantity, subscription.UnitAmount, UseWallet: true, input.PaymentMethodId, Metadata.EmptyJson), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await charges.CompleteAsync(started, cancellationToken);
        return new PaymentLinkAnswer(started.PaymentId, null, null);
    }
}
