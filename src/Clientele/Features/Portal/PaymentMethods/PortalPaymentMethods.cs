using Clientele.Features.Invoices;
using Clientele.Features.Payments;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.PaymentMethods;

/// <summary>A saved card and the subscriptions that charge it (while any does, it cannot be removed).</summary>
public sealed record PortalCard(CardLabel Card, IReadOnlyList<Subscription> UsedBy)
{
    public bool InUse => UsedBy.Count > 0;
}

/// <summary>A payment made while changing a subscription's card, as its customer may see it.</summary>
public sealed record PortalCardPayment(string Id, string Status, long TotalAmount, string Currency, string? ErrorCode, string? InvoicePath)
{
    public bool Succeeded => Status == "succeeded";

    public bool Failed => Status == "failed";
}

/// <summary>
/// What the portal reads of the session's customer's saved cards, in their business and mode only:
/// the cards (one query) and the subscriptions that use them (one query), never a query per card.
/// </summary>
public sealed class PortalPaymentMethods(NpgsqlDataSource dataSource, SubscriptionStore subscriptions, PaymentQueries payments, InvoiceStore invoices)
{
    /// <summary>The statuses under which a subscription keeps its card from being removed (the payment_method_uses view's).</summary>
    private static readonly string[] UsingStatuses = [SubscriptionStatus.Active, SubscriptionStatus.OnHold, SubscriptionStatus.Paused];

    public async Task<IReadOnlyList<PortalCard>> ListAsync(PortalSession session, CancellationToken cancellationToken)
    {
        List<CardLabel> cards;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            cards = (await connection.QueryAsync<CardLabel>(new CommandDefinition("""
                SELECT id, card_network AS network, last4, expiry_month, expiry_year FROM payment_methods
                WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
                ORDER BY created_at DESC, id DESC
                """, new { customerId = session.CustomerId, businessId = session.Tenant.BusinessId, mode = session.Tenant.ModeText }, cancellationToken: cancellationToken))).AsList();
        }
        if (cards.Count == 0)
        {
            return [];
        }
        var owned = await subscriptions.ListAsync(session.Tenant, new SubscriptionFilter(null, null, session.CustomerId, null, null, null),
            new Paging(0, PortalSubscriptions.MaxListed), cancellationToken);
        return [.. cards.Select(card => new PortalCard(card, [.. owned.Where(s => s.PaymentMethodId == card.Id && UsingStatuses.Contains(s.Status))]))];
    }

    /// <summary>A payment of this subscription of the session's customer; null for anything else (another customer's is not found).</summary>
    public async Task<PortalCardPayment?> PaymentAsync(PortalSession session, string subscriptionId, string paymentId, CancellationToken cancellationToken)
    {
        if (await payments.FindAsync(session.Tenant, paymentId, cancellationToken) is not { Payment: var p }
            || p.CustomerId != session.CustomerId || p.SubscriptionId != subscriptionId)
        {
            return null;
        }
        var invoice = p.InvoiceId is null ? null : await invoices.FindByPaymentAsync(session.Tenant, p.Id, cancellationToken);
        return new PortalCardPayment(p.Id, p.Status, p.TotalAmount, p.Currency, p.ErrorCode, invoice?.PublicPath);
    }

    /// <summary>The resource key that says why a card was declined, in the customer's language.</summary>
    public static string DeclineKey(string? errorCode) => errorCode switch
    {
        "card_declined" or "insufficient_funds" or "expired_card" => "PmDecline_" + errorCode,
        _ => "PmDecline_other",
    };
}
