using System.Text;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.LicenseKeys;

public sealed record LicenseKeyFilter(string? CustomerId, string? Status, string? ProductId, DateTime? CreatedAtGte, DateTime? CreatedAtLte, string? Source);

public abstract record CreateKeyOutcome
{
    public sealed record Created(LicenseKeyResponse Key) : CreateKeyOutcome;

    public sealed record CustomerNotFound : CreateKeyOutcome;

    public sealed record ProductNotFound : CreateKeyOutcome;

    public sealed record KeyExists : CreateKeyOutcome;
}

public abstract record UpdateKeyOutcome
{
    public sealed record Updated(LicenseKeyResponse Key) : UpdateKeyOutcome;

    public sealed record NotFound : UpdateKeyOutcome;

    public sealed record LimitBelowInstances(int InstancesCount) : UpdateKeyOutcome;

    public sealed record ExpiryOnSubscriptionKey : UpdateKeyOutcome;
}

/// <summary>The merchant's side of license keys and their instances, always within one business and mode.</summary>
public sealed class LicenseKeyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<LicenseKeyResponse>> ListAsync(Tenant tenant, LicenseKeyFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {LicenseKeyRow.Columns} FROM license_keys WHERE business_id = @businessId AND mode = @mode");
        sql.Append(filter.CustomerId is null ? "" : " AND customer_id = @CustomerId")
            .Append(filter.ProductId is null ? "" : " AND product_id = @ProductId")
            .Append(filter.Source is null ? "" : " AND source = @Source")
            .Append(filter.CreatedAtGte is null ? "" : " AND created_at >= @CreatedAtGte")
            .Append(filter.CreatedAtLte is null ? "" : " AND created_at <= @CreatedAtLte")
            .Append(filter.Status switch
            {
                LicenseKeyStatus.Disabled => " AND disabled",
                LicenseKeyStatus.Expired => " AND NOT disabled AND expires_at <= @now",
                LicenseKeyStatus.Active => " AND NOT disabled AND (expires_at IS NULL OR expires_at > @now)",
                _ => "",
            })
            .Append(" ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LicenseKeyRow>(new CommandDefinition(sql.ToString(), new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            filter.CustomerId,
            filter.ProductId,
            filter.Source,
            filter.CreatedAtGte,
            filter.CreatedAtLte,
            now,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToResponse(now))];
    }

    public async Task<LicenseKeyResponse?> FindAsync(Tenant tenant, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LicenseKeyRow>(new CommandDefinition(
            $"SELECT {LicenseKeyRow.Columns} FROM license_keys WHERE id = @id AND business_id = @businessId AND mode = @mode",
            new { id, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
        return row?.ToResponse(clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>Imports a key: the customer and product must be this tenant's, and the key text new anywhere.</summary>
    public async Task<CreateKeyOutcome> CreateAsync(Tenant tenant, CreateLicenseKeyRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var args = new
        {
            id = Ids.New(Ids.LicenseKey),
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            request.CustomerId,
            request.ProductId,
            request.Key,
            hash = LicenseKeyText.Hash(request.Key),
            request.ActivationsLimit,
            request.ExpiresAt,
            now,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LicenseKeyRow>(new CommandDefinition($"""
            INSERT INTO license_keys (id, business_id, mode, customer_id, product_id, key, key_hash, source, activations_limit, expires_at, created_at, updated_at)
            SELECT @id, c.business_id, c.mode, c.id, p.id, @Key, @hash, 'import', @ActivationsLimit, @ExpiresAt, @now, @now
            FROM customers c, products p
            WHERE c.id = @CustomerId AND c.business_id = @businessId AND c.mode = @mode
              AND p.id = @ProductId AND p.business_id = @businessId AND p.mode = @mode
            ON CONFLICT (key_hash) DO NOTHING
            RETURNING {LicenseKeyRow.Columns}
            """, args, cancellationToken: cancellationToken));
        if (row is not null)
        {
            return new CreateKeyOutcome.Created(row.ToResponse(now));
        }
        var found = await connection.QuerySingleAsync<(bool Customer, bool Product)>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM customers WHERE id = @CustomerId AND business_id = @businessId AND mode = @mode),
                   EXISTS (SELECT 1 FROM products WHERE id = @ProductId AND business_id = @businessId AND mode = @mode)
            """, args, cancellationToken: cancellationToken));
        return found switch
        {
            { Customer: false } => new CreateKeyOutcome.CustomerNotFound(),
            { Product: false } => new CreateKeyOutcome.ProductNotFound(),
            _ => new CreateKeyOutcome.KeyExists(),
        };
    }

    /// <summary>
    /// One guarded statement: a limit below the current activations, or an expiry on a subscription's
    /// key, changes nothing. <c>disabled: false</c> lifts every reason (the merchant's word is final);
    /// <c>disabled: true</c> sets the merchant's own reason, which the system never lifts.
    /// </summary>
    public async Task<UpdateKeyOutcome> UpdateAsync(Tenant tenant, string id, LicenseKeyPatch patch, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var args = new
        {
            id,
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            setLimit = patch.ActivationsLimit.IsSet,
            limit = patch.ActivationsLimit.Value,
            disabled = patch.Disabled,
            setExpiry = patch.ExpiresAt.IsSet,
            expiresAt = patch.ExpiresAt.Value,
            now,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LicenseKeyRow>(new CommandDefinition($"""
            UPDATE license_keys SET
                activations_limit = CASE WHEN @setLimit THEN @limit::int ELSE activations_limit END,
                disabled_by_merchant = coalesce(@disabled::boolean, disabled_by_merchant),
                subscription_suspended = CASE WHEN @disabled::boolean = false THEN false ELSE subscription_suspended END,
                payment_refunded = CASE WHEN @disabled::boolean = false THEN false ELSE payment_refunded END,
                expires_at = CASE WHEN @setExpiry THEN @expiresAt::timestamptz ELSE expires_at END,
                updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode
              AND (NOT @setLimit OR @limit::int IS NULL OR instances_count <= @limit::int)
              AND (NOT @setExpiry OR @expiresAt::timestamptz IS NULL OR subscription_id IS NULL)
            RETURNING {LicenseKeyRow.Columns}
            """, args, cancellationToken: cancellationToken));
        if (row is not null)
        {
            return new UpdateKeyOutcome.Updated(row.ToResponse(now));
        }
        var current = await connection.QuerySingleOrDefaultAsync<(string Id, int InstancesCount, string? SubscriptionId)>(new CommandDefinition(
            "SELECT id, instances_count, subscription_id FROM license_keys WHERE id = @id AND business_id = @businessId AND mode = @mode",
            args, cancellationToken: cancellationToken));
        if (current.Id is null)
        {
            return new UpdateKeyOutcome.NotFound();
        }
        return patch.ExpiresAt.Value is not null && current.SubscriptionId is not null
            ? new UpdateKeyOutcome.ExpiryOnSubscriptionKey()
            : new UpdateKeyOutcome.LimitBelowInstances(current.InstancesCount);
    }

    /// <summary>Instances, newest first; a grant_id matches nothing, since entitlement grants are not modelled.</summary>
    public async Task<IReadOnlyList<LicenseKeyInstanceResponse>> ListInstancesAsync(Tenant tenant, string? licenseKeyId, Paging paging, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {LicenseKeyInstanceResponse.Columns} FROM license_key_instances
            WHERE business_id = @businessId AND mode = @mode {(licenseKeyId is null ? "" : "AND license_key_id = @licenseKeyId")}
            ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LicenseKeyInstanceResponse>(new CommandDefinition(sql, new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            licenseKeyId,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<LicenseKeyInstanceResponse?> FindInstanceAsync(Tenant tenant, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LicenseKeyInstanceResponse>(new CommandDefinition(
            $"SELECT {LicenseKeyInstanceResponse.Columns} FROM license_key_instances WHERE id = @id AND business_id = @businessId AND mode = @mode",
            new { id, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    /// <summary>Renames an instance; without a name it is returned unchanged (a PATCH {} is valid).</summary>
    public async Task<LicenseKeyInstanceResponse?> UpdateInstanceAsync(Tenant tenant, string id, InstancePatch patch, CancellationToken cancellationToken)
    {
        if (patch.Name is null)
        {
            return await FindInstanceAsync(tenant, id, cancellationToken);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LicenseKeyInstanceResponse>(new CommandDefinition($"""
            UPDATE license_key_instances SET name = @name, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode
            RETURNING {LicenseKeyInstanceResponse.Columns}
            """, new { id, name = patch.Name, now = clock.GetUtcNow().UtcDateTime, businessId = tenant.BusinessId, mode = tenant.ModeText },
            cancellationToken: cancellationToken));
    }
}
