using Clientele.Features.Checkout;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform;
using Clientele.Platform.Api;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Portal.Subscriptions;

public abstract record ResubscribeOutcome
{
    /// <summary>The new subscription waits on the hosted payment page.</summary>
    public sealed record Pay(string PaymentLink) : ResubscribeOutcome;

    /// <summary>The same form was submitted a moment ago and its subscription is still being made.</summary>
    public sealed record InProgress : ResubscribeOutcome;

    /// <summary>The subscription has not ended (only an ended one is subscribed to again).</summary>
    public sealed record NotEnded : ResubscribeOutcome;

    /// <summary>The API's operation refused (e.g. the product is archived or no longer recurring).</summary>
    public sealed record Refused(SubscriptionFailure Failure) : ResubscribeOutcome;
}

/// <summary>
/// Subscribes the customer again to an ended (cancelled, expired, failed) subscription's product: the
/// API's <see cref="CreateSubscription"/> with a payment link — same product, quantity, billing address
/// and tax id, no second trial — and back to the portal after paying. The form's key is claimed in
/// <c>form_action_keys</c> before anything is made, so a double submit makes one subscription and the
/// second click lands on the same payment page.
/// </summary>
public sealed class PortalResubscribe(NpgsqlDataSource dataSource, CreateSubscription create, IOptions<PublicUrlOptions> urls, TimeProvider clock)
{
    public async Task<ResubscribeOutcome> RunAsync(PortalSession session, Subscription ended, string formKey, CancellationToken cancellationToken)
    {
        if (!ended.IsTerminal || ended.CustomerId != session.CustomerId)
        {
            return new ResubscribeOutcome.NotEnded();
        }
        var tenant = session.Tenant;
        var args = new { businessId = tenant.BusinessId, mode = tenant.ModeText, key = formKey, customerId = session.CustomerId };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO form_action_keys (business_id, mode, idempotency_key, action, object_id, created_at)
            VALUES (@businessId, @mode, @key, 'portal_resubscribe', '', @now)
            ON CONFLICT DO NOTHING
            """, new { args.businessId, args.mode, args.key, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        if (claimed == 0)
        {
            // The first submit's checkout, if it is this customer's; otherwise it is still being made.
            var sessionId = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("""
                SELECT s.id FROM form_action_keys k
                JOIN checkout_sessions s ON s.id = k.object_id AND s.business_id = k.business_id AND s.mode = k.mode
                WHERE k.business_id = @businessId AND k.mode = @mode AND k.idempotency_key = @key AND k.action = 'portal_resubscribe'
                  AND s.customer_id = @customerId
                """, args, cancellationToken: cancellationToken));
            return sessionId is null ? new ResubscribeOutcome.InProgress() : new ResubscribeOutcome.Pay(CheckoutsApi.CheckoutUrl(urls.Value, tenant.Mode, sessionId));
        }
        var input = new CreateSubscriptionInput(ended.ProductId, ended.Quantity, session.CustomerId, null, null, ended.BillingAddress, PaymentLink: true,
            PaymentMethodId: null, ReturnUrl: $"{urls.Value.BaseFor(tenant.Mode)}/session/subscriptions", TrialPeriodDays: 0, Metadata.EmptyJson,
            OnDemand: null, BillingCurrency: null, ended.TaxId);
        var created = await create.RunAsync(tenant, input, cancellationToken);
        if (created.Failure is { } failure)
        {
            // Nothing was made: the key is freed, so the customer can try again once the business fixes it.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM form_action_keys WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @key AND action = 'portal_resubscribe' AND object_id = ''",
                args, cancellationToken: cancellationToken));
            return new ResubscribeOutcome.Refused(failure);
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE form_action_keys k SET object_id = p.checkout_session_id
            FROM payments p
            WHERE k.business_id = @businessId AND k.mode = @mode AND k.idempotency_key = @key AND k.action = 'portal_resubscribe'
              AND p.id = @paymentId AND p.business_id = @businessId AND p.mode = @mode
            """, new { args.businessId, args.mode, args.key, paymentId = created.Value.PaymentId }, cancellationToken: cancellationToken));
        return new ResubscribeOutcome.Pay(created.Value.PaymentLink!);
    }
}
