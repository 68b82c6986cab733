using Clientele.Features.Checkout;
using Clientele.Features.Payments;
using Clientele.Features.Subscriptions.Billing;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

/// <summary>
/// Told by Payments, in the transaction that records a successful hosted-page payment of a session
/// tied to a subscription: a new subscription starts (its dates counted from now), or a repaired one
/// takes the new card and, if it was on hold, is reactivated by that payment of its dues.
/// </summary>
public sealed class PaidOnHostedPage(TimeProvider clock, SubscriptionEvents events, SubscriptionLifecycle lifecycle, SubscriptionTransitions transitions) : ISubscriptionPayments
{
    public async Task PaidAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CheckoutSession session, string paymentId, string? paymentMethodId, CancellationToken cancellationToken)
    {
        var tenant = session.Tenant;
        if (session.SubscriptionId is not { } subscriptionId
            || await SubscriptionStore.FindAsync(connection, transaction, tenant, subscriptionId, cancellationToken, forUpdate: true) is not { } subscription)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var args = new { id = subscriptionId, businessId = tenant.BusinessId, mode = tenant.ModeText, now, paymentMethodId };
        if (session.Purpose == "subscription" && subscription.Status == SubscriptionStatus.Pending)
        {
            var dates = BillingPeriods.Start(now, subscription.TrialPeriodDays, subscription.PaymentFrequencyCount, subscription.PaymentFrequencyInterval,
                subscription.SubscriptionPeriodCount, subscription.SubscriptionPeriodInterval);
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
                await transitions.ReactivateAsync(connection, transaction, subscription, paymentId, now, cancellationToken);
            }
            else
            {
                await events.EmitAsync(connection, transaction, tenant, subscriptionId, SubscriptionEventTypes.UpdatePaymentMethod, cancellationToken);
            }
        }
    }
}
