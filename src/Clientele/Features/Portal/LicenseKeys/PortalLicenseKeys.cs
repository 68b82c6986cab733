using Clientele.Features.LicenseKeys;
using Clientele.Features.Portal.Sessions;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.LicenseKeys;

/// <summary>One activation of a key: the name the customer's software gave it, and when.</summary>
public sealed record PortalActivation(string Id, string LicenseKeyId, string Name, DateTime CreatedAt);

/// <summary>
/// A key of the signed-in customer as the portal shows it: the product, why it is disabled (each
/// reason kept apart, as the table keeps them), the subscription's status when it is a subscription's
/// key, and its activations.
/// </summary>
public sealed class PortalLicenseKey
{
    public string Id { get; init; } = "";

    public string Key { get; init; } = "";

    public string ProductName { get; init; } = "";

    public int? ActivationsLimit { get; init; }

    public int InstancesCount { get; init; }

    public bool DisabledByMerchant { get; init; }

    public bool SubscriptionSuspended { get; init; }

    public bool PaymentRefunded { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public DateTime CreatedAt { get; init; }

    public string? SubscriptionStatus { get; init; }

    public IReadOnlyList<PortalActivation> Activations { get; set; } = [];

    public string StatusAt(DateTime now) => LicenseKeyStatus.Of(DisabledByMerchant || SubscriptionSuspended || PaymentRefunded, ExpiresAt, now);

    /// <summary>All but the last group hidden, so a glance (or a shared screen) does not give the key away.</summary>
    public string Masked => Key.Length <= 5 ? new string('•', Key.Length) : string.Concat(Key[..^5].Select(c => c == '-' ? '-' : '•')) + Key[^5..];
}

/// <summary>
/// What the portal reads of license keys: only the session's customer's, in their business and mode,
/// in two queries on one connection (the keys with their product and subscription, then every
/// activation of those keys), never a query per key.
/// </summary>
public sealed class PortalLicenseKeys(NpgsqlDataSource dataSource)
{
    public const int MaxListed = 100;

    public async Task<IReadOnlyList<PortalLicenseKey>> ListAsync(PortalSession session, CancellationToken cancellationToken) =>
        await ReadAsync(session, null, cancellationToken);

    public async Task<PortalLicenseKey?> FindAsync(PortalSession session, string keyId, CancellationToken cancellationToken) =>
        (await ReadAsync(session, keyId, cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<PortalLicenseKey>> ReadAsync(PortalSession session, string? keyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var keys = (await connection.QueryAsync<PortalLicenseKey>(new CommandDefinition($"""
            SELECT k.id, k.key, p.name AS product_name, k.activations_limit, k.instances_count, k.disabled_by_merchant,
                   k.subscription_suspended, k.payment_refunded, k.expires_at, k.created_at, s.status AS subscription_status
            FROM license_keys k
            JOIN products p ON p.id = k.product_id AND p.business_id = k.business_id AND p.mode = k.mode
            LEFT JOIN subscriptions s ON s.id = k.subscription_id AND s.business_id = k.business_id AND s.mode = k.mode
            WHERE k.customer_id = @customerId AND k.business_id = @businessId AND k.mode = @mode
              {(keyId is null ? "" : "AND k.id = @keyId")}
            ORDER BY k.created_at DESC, k.id DESC LIMIT {MaxListed}
            """, Args(session, keyId), cancellationToken: cancellationToken))).AsList();
        if (keys.Count == 0)
        {
            return keys;
        }
        var activations = (await connection.QueryAsync<PortalActivation>(new CommandDefinition("""
            SELECT id, license_key_id, name, created_at FROM license_key_instances
            WHERE license_key_id = ANY(@ids) AND business_id = @businessId AND mode = @mode
            ORDER BY created_at DESC, id DESC
            """, new { ids = keys.Select(k => k.Id).ToArray(), businessId = session.Tenant.BusinessId, mode = session.Tenant.ModeText },
            cancellationToken: cancellationToken))).ToLookup(a => a.LicenseKeyId);
        foreach (var key in keys)
        {
            key.Activations = [.. activations[key.Id]];
        }
        return keys;
    }

    private static object Args(PortalSession session, string? keyId) =>
        new { customerId = session.CustomerId, businessId = session.Tenant.BusinessId, mode = session.Tenant.ModeText, keyId };
}
