using Clientele.Features.Webhooks;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.LicenseKeys;

/// <summary>
/// Issues license keys for a succeeded payment and switches them off and on as the payment and its
/// subscription change. Every method runs inside the caller's transaction, so keys and their
/// <c>license_key.created</c> events commit or roll back with the change that caused them.
/// </summary>
public sealed class LicenseKeyIssuer(WebhookOutbox outbox, TimeProvider clock)
{
    private sealed record Line(string ProductId, int Quantity, int? ActivationsLimit, int? DurationCount, string? DurationInterval);

    /// <summary>
    /// <see cref="IssueForPaymentAsync"/> for several succeeded payments of one tenant (each with its subscription):
    /// one statement finds the payments with a license-key product on them, and only those are issued keys.
    /// </summary>
    public async Task IssueForPaymentsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant,
        IReadOnlyList<(string PaymentId, string? SubscriptionId)> payments, CancellationToken cancellationToken)
    {
        var withKeys = (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT l.payment_id
            FROM payment_line_items l JOIN products p ON p.id = l.product_id AND p.business_id = l.business_id AND p.mode = l.mode
            WHERE l.payment_id = ANY (@paymentIds) AND l.business_id = @businessId AND l.mode = @mode AND p.license_key_enabled
            """, new { paymentIds = payments.Select(p => p.PaymentId).ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText },
            transaction, cancellationToken: cancellationToken))).ToHashSet();
        foreach (var (paymentId, subscriptionId) in payments.Where(p => withKeys.Contains(p.PaymentId)))
        {
            await IssueForPaymentAsync(connection, transaction, tenant, paymentId, subscriptionId, cancellationToken);
        }
    }

    /// <summary>
    /// One key per purchased unit of each license-key product on the payment (quantity 3, three keys),
    /// with the product's activation limit and, for one-time purchases, its duration counted from now.
    /// A subscription's keys never expire by date: the subscription's status switches them (see
    /// <see cref="DisableForSubscriptionAsync"/>). Idempotent: a payment, or with a subscription the
    /// subscription, gets one key per (product, unit) however often this runs, so a renewal issues
    /// only keys for units it adds. Call it after the payment is marked succeeded.
    /// </summary>
    /// <returns>The ids of the keys issued by this call (empty when there was nothing new).</returns>
    public async Task<IReadOnlyList<string>> IssueForPaymentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, string? subscriptionId,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var args = new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText };
        var payment = await connection.QuerySingleOrDefaultAsync<(string CustomerId, string Status, string? SubscriptionId)>(new CommandDefinition(
            "SELECT customer_id, status, subscription_id FROM payments WHERE id = @paymentId AND business_id = @businessId AND mode = @mode",
            args, transaction, cancellationToken: cancellationToken));
        if (payment.CustomerId is null || payment.Status != "succeeded")
        {
            throw new InvalidOperationException($"License keys are issued for a succeeded payment of this tenant; {paymentId} is {payment.Status ?? "unknown"}.");
        }
        subscriptionId ??= payment.SubscriptionId;
        var lines = await connection.QueryAsync<Line>(new CommandDefinition("""
            SELECT l.product_id, l.quantity, p.license_key_activations_limit AS activations_limit,
                   p.license_key_duration_count AS duration_count, p.license_key_duration_interval AS duration_interval
            FROM payment_line_items l JOIN products p ON p.id = l.product_id AND p.business_id = l.business_id AND p.mode = l.mode
            WHERE l.payment_id = @paymentId AND l.business_id = @businessId AND l.mode = @mode AND p.license_key_enabled
            ORDER BY l.position
            """, args, transaction, cancellationToken: cancellationToken));

        var units = lines.SelectMany(line => Enumerable.Range(0, line.Quantity).Select(unit => (Line: line, Unit: unit))).ToList();
        if (units.Count == 0)
        {
            return [];
        }
        var keys = units.Select(_ => LicenseKeyText.New()).ToArray();
        // Any unique index decides "already issued": per (payment, product, unit), and per
        // (subscription, product, unit) for a subscription. (A clash of two random 125-bit keys is not
        // a real possibility, so key_hash needs no retry.)
        var issued = (await connection.QueryAsync<LicenseKeyRow>(new CommandDefinition($"""
            INSERT INTO license_keys (id, business_id, mode, customer_id, product_id, payment_id, unit_index, subscription_id, key, key_hash, source,
                activations_limit, expires_at, created_at, updated_at)
            SELECT u.id, @businessId, @mode, @customerId, u.product_id, @paymentId, u.unit_index, @subscriptionId, u.key, u.key_hash, 'auto',
                u.activations_limit, u.expires_at, @now, @now
            FROM unnest(@ids::text[], @productIds::text[], @unitIndexes::int[], @keys::text[], @hashes::bytea[], @limits::int[], @expiries::timestamptz[])
                WITH ORDINALITY AS u(id, product_id, unit_index, key, key_hash, activations_limit, expires_at, position)
            ORDER BY u.position
            ON CONFLICT DO NOTHING
            RETURNING {LicenseKeyRow.Columns}
            """,
            new
            {
                args.businessId,
                args.mode,
                customerId = payment.CustomerId,
                paymentId,
                subscriptionId,
                now,
                ids = units.Select(_ => Ids.New(Ids.LicenseKey)).ToArray(),
                productIds = units.Select(u => u.Line.ProductId).ToArray(),
                unitIndexes = units.Select(u => u.Unit).ToArray(),
                keys,
                hashes = keys.Select(LicenseKeyText.Hash).ToArray(),
                limits = units.Select(u => u.Line.ActivationsLimit).ToArray(),
                expiries = units.Select(u => subscriptionId is null ? ExpiryFrom(now, u.Line.DurationCount, u.Line.DurationInterval) : null).ToArray(),
            }, transaction, cancellationToken: cancellationToken))).ToList();

        foreach (var key in issued)
        {
            await outbox.EnqueueAsync(connection, transaction, tenant, WebhookEventTypes.LicenseKeyCreated, "LicenseKey", key.ToResponse(now), cancellationToken);
        }
        return [.. issued.Select(k => k.Id)];
    }

    /// <summary>The subscription is on hold, cancelled or expired: its keys stop working. Returns how many keys changed.</summary>
    public Task<int> DisableForSubscriptionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, CancellationToken cancellationToken) =>
        SetSubscriptionSuspendedAsync(connection, transaction, tenant, subscriptionId, suspended: true, cancellationToken);

    /// <summary>
    /// The subscription is active again: lifts only the suspension the subscription caused. A key the
    /// merchant disabled, or whose payment was fully refunded, stays disabled. Returns how many keys changed.
    /// </summary>
    public Task<int> EnableForSubscriptionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, CancellationToken cancellationToken) =>
        SetSubscriptionSuspendedAsync(connection, transaction, tenant, subscriptionId, suspended: false, cancellationToken);

    /// <summary>
    /// After a refund succeeded: when the payment's succeeded refunds now cover its whole total, the
    /// keys it issued are disabled (a partial refund leaves them alone). Returns how many keys changed.
    /// </summary>
    public async Task<int> DisableForRefundAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string refundId, CancellationToken cancellationToken)
    {
        var args = new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime };
        // The payment's row lock orders refunds of one payment, so the sum below sees every earlier one.
        var paymentId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            SELECT p.id FROM payments p JOIN refunds r ON r.payment_id = p.id
            WHERE r.id = @refundId AND r.business_id = @businessId AND r.mode = @mode AND p.business_id = @businessId AND p.mode = @mode
            FOR UPDATE OF p
            """, args, transaction, cancellationToken: cancellationToken));
        if (paymentId is null)
        {
            return 0;
        }
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE license_keys k SET payment_refunded = true, updated_at = @now
            FROM payments p
            WHERE p.id = @paymentId AND p.business_id = @businessId AND p.mode = @mode
              AND k.payment_id = p.id AND k.business_id = @businessId AND k.mode = @mode AND NOT k.payment_refunded
              AND p.total_amount <= (SELECT coalesce(sum(r.amount), 0) FROM refunds r
                                     WHERE r.payment_id = p.id AND r.business_id = @businessId AND r.mode = @mode AND r.status = 'succeeded')
            """, new { paymentId, args.businessId, args.mode, args.now }, transaction, cancellationToken: cancellationToken));
    }

    private async Task<int> SetSubscriptionSuspendedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, bool suspended,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE license_keys SET subscription_suspended = @suspended, updated_at = @now
            WHERE business_id = @businessId AND mode = @mode AND subscription_id = @subscriptionId AND subscription_suspended <> @suspended
            """, new { subscriptionId, suspended, businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime },
            transaction, cancellationToken: cancellationToken));

    /// <summary>When a key issued at <paramref name="issuedAt"/> expires under the product's license_key_duration (null: never).</summary>
    public static DateTime? ExpiryFrom(DateTime issuedAt, int? count, string? interval) => (count, interval) switch
    {
        (null, _) or (_, null) => null,
        (int n, "Day") => issuedAt.AddDays(n),
        (int n, "Week") => issuedAt.AddDays(7 * n),
        (int n, "Month") => issuedAt.AddMonths(n),
        (int n, "Year") => issuedAt.AddYears(n),
        _ => throw new InvalidOperationException($"Unknown license key duration interval '{interval}'."),
    };
}
