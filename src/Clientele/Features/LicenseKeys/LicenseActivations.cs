using Clientele.Features.Payments;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.LicenseKeys;

public abstract record ActivationOutcome
{
    public sealed record Activated(ActivateLicenseKeyResponse Instance) : ActivationOutcome;

    public sealed record KeyNotFound : ActivationOutcome;

    /// <summary>The key is disabled or expired (<see cref="Status"/> says which).</summary>
    public sealed record Inactive(string Status) : ActivationOutcome;

    public sealed record LimitReached(int? Limit) : ActivationOutcome;
}

public enum DeactivationOutcome
{
    Deactivated,
    KeyNotFound,
    InstanceNotOfKey,
}

/// <summary>
/// The public side: a customer's software activates, validates and deactivates a key with nothing
/// but the key. The key alone names its business and mode (key texts are unique system-wide), and
/// every statement is scoped to the key's own business and mode.
/// </summary>
public sealed class LicenseActivations(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private sealed record ActivatedRow(
        string Id, string BusinessId, string Name, string LicenseKeyId, DateTime CreatedAt, string ProductId, string? ProductName,
        string CustomerId, string CustomerName, string CustomerEmail, string? CustomerPhone, string CustomerMetadata);

    /// <summary>
    /// Claims a seat with one guarded update (the key's row lock serialises concurrent claims, and each
    /// re-checks <c>instances_count &lt; activations_limit</c> after the one before it committed), and
    /// inserts the instance in the same statement: exactly the limit of N concurrent activations succeed.
    /// </summary>
    public async Task<ActivationOutcome> ActivateAsync(ActivateRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var hash = LicenseKeyText.Hash(request.LicenseKey);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ActivatedRow>(new CommandDefinition("""
            WITH claimed AS (
                UPDATE license_keys SET instances_count = instances_count + 1, updated_at = @now
                WHERE key_hash = @hash AND NOT disabled AND (expires_at IS NULL OR expires_at > @now)
                  AND (activations_limit IS NULL OR instances_count < activations_limit)
                RETURNING id, business_id, mode, customer_id, product_id
            ), created AS (
                INSERT INTO license_key_instances (id, business_id, mode, license_key_id, name, created_at, updated_at)
                SELECT @instanceId, k.business_id, k.mode, k.id, @name, @now, @now FROM claimed k
                RETURNING id, business_id, mode, license_key_id, name, created_at
            )
            SELECT i.id, i.business_id, i.name, i.license_key_id, i.created_at, p.id AS product_id, p.name AS product_name,
                   c.id AS customer_id, c.name AS customer_name, c.email AS customer_email, c.phone_number AS customer_phone,
                   c.metadata::text AS customer_metadata
            FROM created i
            JOIN claimed k ON k.id = i.license_key_id
            JOIN customers c ON c.id = k.customer_id AND c.business_id = k.business_id AND c.mode = k.mode
            JOIN products p ON p.id = k.product_id AND p.business_id = k.business_id AND p.mode = k.mode
            """, new { hash, now, instanceId = Ids.New(Ids.LicenseKeyInstance), name = request.Name }, cancellationToken: cancellationToken));
        if (row is not null)
        {
            return new ActivationOutcome.Activated(new ActivateLicenseKeyResponse(
                row.Id, row.BusinessId, row.Name, row.LicenseKeyId, row.CreatedAt,
                new ActivateLicenseKeyProductInfo(row.ProductId, row.ProductName),
                new CustomerLimitedDetails(row.CustomerId, row.CustomerName, row.CustomerEmail, row.CustomerPhone, Metadata.Parse(row.CustomerMetadata))));
        }

        // Nothing claimed: say why, from the key as it is now.
        var key = await connection.QuerySingleOrDefaultAsync<LicenseKeyRow>(new CommandDefinition(
            $"SELECT {LicenseKeyRow.Columns} FROM license_keys WHERE key_hash = @hash", new { hash }, cancellationToken: cancellationToken));
        if (key is null)
        {
            return new ActivationOutcome.KeyNotFound();
        }
        var status = key.StatusAt(now);
        return status == LicenseKeyStatus.Active ? new ActivationOutcome.LimitReached(key.ActivationsLimit) : new ActivationOutcome.Inactive(status);
    }

    /// <summary>Valid: the key exists, is neither disabled nor expired, and owns the instance when one is named.</summary>
    public async Task<bool> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (
                SELECT 1 FROM license_keys k
                WHERE k.key_hash = @hash AND NOT k.disabled AND (k.expires_at IS NULL OR k.expires_at > @now)
                  AND (@instanceId::text IS NULL OR EXISTS (
                      SELECT 1 FROM license_key_instances i
                      WHERE i.id = @instanceId AND i.license_key_id = k.id AND i.business_id = k.business_id AND i.mode = k.mode)))
            """, new { hash = LicenseKeyText.Hash(request.LicenseKey), now, instanceId = request.InstanceId }, cancellationToken: cancellationToken));
    }

    /// <summary>Frees a seat: deletes the instance and lowers the count in one statement (also on a disabled or expired key).</summary>
    public async Task<DeactivationOutcome> DeactivateAsync(DeactivateRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (keyFound, removed) = await connection.QuerySingleAsync<(bool KeyFound, bool Removed)>(new CommandDefinition("""
            WITH k AS (
                SELECT id, business_id, mode FROM license_keys WHERE key_hash = @hash
            ), removed AS (
                DELETE FROM license_key_instances i USING k
                WHERE i.id = @instanceId AND i.license_key_id = k.id AND i.business_id = k.business_id AND i.mode = k.mode
                RETURNING i.license_key_id
            ), counted AS (
                UPDATE license_keys SET instances_count = instances_count - 1, updated_at = @now
                FROM removed WHERE license_keys.id = removed.license_key_id
                RETURNING license_keys.id
            )
            SELECT EXISTS (SELECT 1 FROM k), EXISTS (SELECT 1 FROM counted)
            """, new { hash = LicenseKeyText.Hash(request.LicenseKey), instanceId = request.InstanceId, now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
        return !keyFound ? DeactivationOutcome.KeyNotFound : removed ? DeactivationOutcome.Deactivated : DeactivationOutcome.InstanceNotOfKey;
    }
}
