using Clientele.Features.LicenseKeys;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.CustomerDetail;

/// <summary>One of the customer's keys as the tab lists it: the key's row and its product's name.</summary>
public sealed class CustomerLicenseKey
{
    public string Id { get; init; } = "";

    public string Key { get; init; } = "";

    public string ProductId { get; init; } = "";

    public string? ProductName { get; init; }

    public int? ActivationsLimit { get; init; }

    public int InstancesCount { get; init; }

    public bool Disabled { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public DateTime CreatedAt { get; init; }

    public string StatusAt(DateTime now) => LicenseKeyStatus.Of(Disabled, ExpiresAt, now);

    /// <summary>The key with all but its last five characters hidden (the page never shows a whole key).</summary>
    public string Masked => Key.Length <= 5 ? new string('•', Key.Length) : string.Concat(Key[..^5].Select(c => c == '-' ? '-' : '•')) + Key[^5..];
}

/// <summary>The license keys tab's reading: the customer's keys, newest first, bounded, from the per-customer index.</summary>
public static class CustomerLicenseKeys
{
    public const int MaxListed = 100;

    public static async Task<IReadOnlyList<CustomerLicenseKey>> ListAsync(NpgsqlDataSource dataSource, Tenant tenant, string customerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CustomerLicenseKey>(new CommandDefinition("""
            SELECT k.id, k.key, k.product_id, p.name AS product_name, k.activations_limit, k.instances_count, k.disabled, k.expires_at, k.created_at
            FROM license_keys k
            LEFT JOIN products p ON p.id = k.product_id AND p.business_id = k.business_id AND p.mode = k.mode
            WHERE k.business_id = @businessId AND k.mode = @mode AND k.customer_id = @customerId
            ORDER BY k.created_at DESC, k.id DESC
            LIMIT @limit
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId, limit = MaxListed + 1 }, cancellationToken: cancellationToken));
        return [.. rows];
    }
}
