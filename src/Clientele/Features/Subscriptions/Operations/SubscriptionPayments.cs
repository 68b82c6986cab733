using Clientele.Features.Checkout;
using Clientele.Features.Payments;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

/// <summary>The payments subscription operations ask Payments to write, and the saved cards they may use.</summary>
internal static class SubscriptionPayments
{
    /// <summary>The payment a hosted page will complete, created with the session so the API can name it at once.</summary>
    public static async Task<string> AwaitingHostedPageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, string sessionId, CartLine line, string metadataJson, bool isUpdate, DateTime now, CancellationToken cancellationToken)
    {
        var paymentId = await PaymentRecorder.CreateAsync(connection, transaction, Payment(subscription, "requires_payment_method", line, metadataJson) with
        {
            CheckoutSessionId = sessionId,
            IsUpdatePaymentMethod = isUpdate,
        }, now, cancellationToken);
        await CheckoutStore.AttachPaymentAsync(connection, transaction, subscription.Tenant, sessionId, paymentId, cancellationToken);
        return paymentId;
    }

    /// <summary>A payment of nothing (a free trial, a mandate): succeeded at once, no invoice.</summary>
    public static Task<string> FreeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Subscription subscription, string name, string metadataJson, DateTime now, CancellationToken cancellationToken) =>
        PaymentRecorder.CreateAsync(connection, transaction,
            Payment(subscription, "succeeded", new CartLine(subscription.ProductId, name, null, subscription.Quantity, 0, 0, 0), metadataJson), now, cancellationToken);

    /// <summary>Whether <paramref name="methodId"/> is a saved, reusable card of the customer.</summary>
    public static Task<bool> IsSavedMethodAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string customerId, string methodId, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM payment_methods WHERE id = @methodId AND customer_id = @customerId AND business_id = @businessId AND mode = @mode
                AND deleted_at IS NULL AND recurring_enabled)
            """, new { methodId, customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));

    private static NewPayment Payment(Subscription subscription, string status, CartLine line, string metadataJson) =>
        new(subscription.Tenant, subscription.CustomerId, status, Money.Of(line.Amount, subscription.Currency), subscription.Billing, metadataJson,
            [new PaymentLine(line.ProductId, line.Name, line.Description, line.Quantity, line.UnitAmount, line.Amount)])
        {
            SubscriptionId = subscription.Id,
        };
}
