using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.LicenseKeys;

/// <summary>A key a payment issued, as its buyer sees it on the receipt.</summary>
public sealed record PurchasedKey(string ProductName, string Key, DateTime? ExpiresAt, int? ActivationsLimit);

/// <summary>
/// The license keys one payment issued, for the person who just paid (receipt page and e-mail): the
/// key is what they bought, so it is shown to them where they land, not only later in the portal.
/// </summary>
public sealed class PurchasedKeys(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<PurchasedKey>> ForPaymentAsync(Tenant tenant, string paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ForPaymentAsync(connection, null, tenant, paymentId, cancellationToken);
    }

    public static async Task<IReadOnlyList<PurchasedKey>> ForPaymentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, string paymentId, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<PurchasedKey>(new CommandDefinition("""
            SELECT p.name AS product_name, k.key, k.expires_at, k.activations_limit
            FROM license_keys k
            JOIN products p ON p.id = k.product_id AND p.business_id = k.business_id AND p.mode = k.mode
            WHERE k.payment_id = @paymentId AND k.business_id = @businessId AND k.mode = @mode
            ORDER BY p.name, k.unit_index
            """, new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken))];

    /// <summary><see cref="ForPaymentAsync(NpgsqlConnection, NpgsqlTransaction?, Tenant, string, CancellationToken)"/> for several payments in one statement, by payment id.</summary>
    public static async Task<ILookup<string, PurchasedKey>> ForPaymentsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<(string PaymentId, string ProductName, string Key, DateTime? ExpiresAt, int? ActivationsLimit)>(new CommandDefinition("""
            SELECT k.payment_id, p.name AS product_name, k.key, k.expires_at, k.activations_limit
            FROM license_keys k
            JOIN products p ON p.id = k.product_id AND p.business_id = k.business_id AND p.mode = k.mode
            WHERE k.payment_id = ANY (@paymentIds) AND k.business_id = @businessId AND k.mode = @mode
            ORDER BY k.payment_id, p.name, k.unit_index
            """, new { paymentIds = paymentIds.ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken)))
            .ToLookup(k => k.PaymentId, k => new PurchasedKey(k.ProductName, k.Key, k.ExpiresAt, k.ActivationsLimit));
}
