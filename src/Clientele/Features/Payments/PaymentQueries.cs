using System.Text;
using Clientele.Features.Refunds;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments;

public sealed record PaymentFilter(
    DateTime? CreatedAtGte,
    DateTime? CreatedAtLte,
    string? CustomerId,
    string? SubscriptionId,
    string? Status,
    string? ProductId,
    string? Currency)
{
    /// <summary>Leaves out card checks: payments of nothing made only to save a card (<c>is_update_payment_method</c>, total 0).</summary>
    public bool ExcludeCardChecks { get; init; }
}

/// <summary>Reads payments for the API: one query per list page, three for one payment.</summary>
public sealed class PaymentQueries(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<PaymentRow>> ListAsync(Tenant tenant, PaymentFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(PaymentRow.Select).Append(" WHERE p.business_id = @businessId AND p.mode = @mode");
        if (filter.CreatedAtGte is not null)
        {
            sql.Append(" AND p.created_at >= @gte");
        }
        if (filter.CreatedAtLte is not null)
        {
            sql.Append(" AND p.created_at <= @lte");
        }
        if (filter.CustomerId is not null)
        {
            sql.Append(" AND p.customer_id = @customerId");
        }
        if (filter.SubscriptionId is not null)
        {
            sql.Append(" AND p.subscription_id = @subscriptionId");
        }
        if (filter.Status is not null)
        {
            sql.Append(" AND p.status = @status");
        }
        if (filter.Currency is not null)
        {
            sql.Append(" AND p.currency = @currency");
        }
        if (filter.ProductId is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM payment_line_items l WHERE l.payment_id = p.id AND l.product_id = @productId AND l.business_id = @businessId AND l.mode = @mode)");
        }
        if (filter.ExcludeCardChecks)
        {
            sql.Append(" AND NOT (p.is_update_payment_method AND p.total_amount = 0)");
        }
        sql.Append(" ORDER BY p.created_at DESC, p.id DESC LIMIT @limit OFFSET @offset");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<PaymentRow>(new CommandDefinition(sql.ToString(), new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            gte = filter.CreatedAtGte,
            lte = filter.CreatedAtLte,
            customerId = filter.CustomerId,
            subscriptionId = filter.SubscriptionId,
            status = filter.Status,
            currency = filter.Currency,
            productId = filter.ProductId,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<(PaymentRow Payment, IReadOnlyList<RefundListItem> Refunds, IReadOnlyList<ProductCartItem> Cart)?> FindAsync(Tenant tenant, string paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, tenant, paymentId, cancellationToken);
    }

    /// <summary>The same read inside a caller's transaction (webhook events describe the state being committed).</summary>
    public static async Task<(PaymentRow Payment, IReadOnlyList<RefundListItem> Refunds, IReadOnlyList<ProductCartItem> Cart)?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, string paymentId, CancellationToken cancellationToken)
    {
        var args = new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText };
        var payment = await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(
            PaymentRow.Select + " WHERE p.id = @paymentId AND p.business_id = @businessId AND p.mode = @mode", args, transaction, cancellationToken: cancellationToken));
        if (payment is null)
        {
            return null;
        }
        var refunds = (await connection.QueryAsync<RefundRow>(new CommandDefinition(
            RefundRow.Select + " WHERE r.payment_id = @paymentId AND r.business_id = @businessId AND r.mode = @mode ORDER BY r.created_at, r.id", args, transaction, cancellationToken: cancellationToken)))
            .Select(r => r.ToListItem()).ToList();
        var cart = (await connection.QueryAsync<ProductCartItem>(new CommandDefinition(
            "SELECT product_id, quantity FROM payment_line_items WHERE payment_id = @paymentId AND business_id = @businessId AND mode = @mode ORDER BY position", args, transaction, cancellationToken: cancellationToken))).AsList();
        return (payment, refunds, cart);
    }

    /// <summary>Several payments of one tenant inside a caller's transaction, as <see cref="FindAsync(NpgsqlConnection, NpgsqlTransaction?, Tenant, string, CancellationToken)"/> reads one: three statements whatever their number.</summary>
    public static async Task<IReadOnlyList<(PaymentRow Payment, IReadOnlyList<RefundListItem> Refunds, IReadOnlyList<ProductCartItem> Cart)>> FindManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken)
    {
        var args = new { paymentIds = paymentIds.ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText };
        var payments = (await connection.QueryAsync<PaymentRow>(new CommandDefinition(
            PaymentRow.Select + " WHERE p.id = ANY (@paymentIds) AND p.business_id = @businessId AND p.mode = @mode", args, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(p => p.Id);
        var refunds = (await connection.QueryAsync<RefundRow>(new CommandDefinition(
            RefundRow.Select + " WHERE r.payment_id = ANY (@paymentIds) AND r.business_id = @businessId AND r.mode = @mode ORDER BY r.created_at, r.id", args, transaction, cancellationToken: cancellationToken)))
            .ToLookup(r => r.PaymentId, r => r.ToListItem());
        var cart = (await connection.QueryAsync<(string PaymentId, string ProductId, int Quantity)>(new CommandDefinition(
            "SELECT payment_id, product_id, quantity FROM payment_line_items WHERE payment_id = ANY (@paymentIds) AND business_id = @businessId AND mode = @mode ORDER BY payment_id, position",
            args, transaction, cancellationToken: cancellationToken)))
            .ToLookup(l => l.PaymentId, l => new ProductCartItem(l.ProductId, l.Quantity));
        return [.. paymentIds.Where(payments.ContainsKey).Select(id => (payments[id], (IReadOnlyList<RefundListItem>)[.. refunds[id]], (IReadOnlyList<ProductCartItem>)[.. cart[id]]))];
    }

    public async Task<PaymentLineItemsResponse?> LineItemsAsync(Tenant tenant, string paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var args = new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText };
        var currency = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT currency FROM payments WHERE id = @paymentId AND business_id = @businessId AND mode = @mode", args, cancellationToken: cancellationToken));
        if (currency is null)
        {
            return null;
        }
        var items = await connection.QueryAsync<PaymentLineItem>(new CommandDefinition("""
            SELECT l.product_id AS items_id, l.amount,
                   CASE WHEN p.status = 'succeeded' THEN l.amount - l.refunded_amount ELSE 0 END AS refundable_amount, l.tax, l.name, l.description
            FROM payment_line_items l JOIN payments p ON p.id = l.payment_id
            WHERE l.payment_id = @paymentId AND l.business_id = @businessId AND l.mode = @mode ORDER BY l.position
            """, args, cancellationToken: cancellationToken));
        return new PaymentLineItemsResponse(currency, items.AsList());
    }
}
