using System.Text;
using System.Text.Json;
using Clientele.Primitives;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace Clientele.Features.Webhooks;

public abstract record WebhookCreateOutcome
{
    public sealed record Created(WebhookEndpointRow Endpoint) : WebhookCreateOutcome;

    public sealed record IdempotencyKeyReused : WebhookCreateOutcome;
}

/// <summary>Webhook endpoints of one tenant; secrets and custom headers are encrypted at rest.</summary>
public sealed class WebhookEndpointStore(NpgsqlDataSource dataSource, IDataProtectionProvider protection, TimeProvider clock, Microsoft.Extensions.Options.IOptions<WebhookOptions> options)
{
    private readonly IDataProtector protector = protection.CreateProtector("Clientele.Webhooks.EndpointSecrets.v1");

    public async Task<WebhookCreateOutcome> CreateAsync(Tenant tenant, WebhookSettings settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var created = await connection.QuerySingleOrDefaultAsync<WebhookEndpointRow>(new CommandDefinition($"""
            INSERT INTO webhook_endpoints (id, business_id, mode, url, description, disabled, filter_types, metadata, rate_limit,
                                           secret_protected, headers_protected, idempotency_key, created_at, updated_at)
            VALUES (@id, @businessId, @mode, @url, @description, @disabled, @filterTypes, @metadata::jsonb, @rateLimit,
                    @secret, @headers, @idempotencyKey, @now, @now)
            ON CONFLICT (business_id, mode, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING {WebhookEndpointRow.Columns}
            """,
            new
            {
                id = Ids.New(Ids.WebhookEndpoint),
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                url = settings.Url,
                description = settings.Description ?? "",
                disabled = settings.Disabled ?? false,
                filterTypes = settings.FilterTypes ?? [],
                metadata = JsonSerializer.Serialize(settings.Metadata ?? []),
                rateLimit = settings.RateLimit.Value,
                secret = protector.Protect(WebhookSignature.NewSecret()),
                headers = protector.Protect(JsonSerializer.Serialize(settings.Headers ?? [])),
                idempotencyKey = settings.IdempotencyKey,
                now,
            }, cancellationToken: cancellationToken));
        if (created is not null)
        {
            return new WebhookCreateOutcome.Created(created);
        }
        // A replay of the same idempotency key: the first result, if the request was the same.
        var existing = await connection.QuerySingleAsync<WebhookEndpointRow>(new CommandDefinition(
            $"SELECT {WebhookEndpointRow.Columns} FROM webhook_endpoints WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @key",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, key = settings.IdempotencyKey }, cancellationToken: cancellationToken));
        return existing.Url == settings.Url
            ? new WebhookCreateOutcome.Created(existing)
            : new WebhookCreateOutcome.IdempotencyKeyReused();
    }

    public async Task<WebhookEndpointRow?> FindAsync(Tenant tenant, string webhookId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<WebhookEndpointRow>(new CommandDefinition(
            $"SELECT {WebhookEndpointRow.Columns} FROM webhook_endpoints WHERE id = @webhookId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL",
            new { webhookId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    /// <summary>Newest first; the cursor is the last row's (created_at, id), opaque to clients.</summary>
    public async Task<(IReadOnlyList<WebhookEndpointRow> Rows, bool More)> ListAsync(Tenant tenant, int limit, string? iterator, CancellationToken cancellationToken)
    {
        var after = DecodeCursor(iterator);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<WebhookEndpointRow>(new CommandDefinition($"""
            SELECT {WebhookEndpointRow.Columns} FROM webhook_endpoints
            WHERE business_id = @businessId AND mode = @mode AND deleted_at IS NULL
              AND (@afterAt::timestamptz IS NULL OR (created_at, id) < (@afterAt, @afterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @take
            """,
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, afterAt = after?.CreatedAt, afterId = after?.Id, take = limit + 1 },
            cancellationToken: cancellationToken))).AsList();
        var more = rows.Count > limit;
        return (more ? rows[..limit] : rows, more);
    }

    public async Task<WebhookEndpointRow?> UpdateAsync(Tenant tenant, string webhookId, WebhookSettings settings, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<WebhookEndpointRow>(new CommandDefinition($"""
            UPDATE webhook_endpoints SET
                url = coalesce(@url, url),
                description = coalesce(@description, description),
                disabled = coalesce(@disabled, disabled),
                filter_types = coalesce(@filterTypes, filter_types),
                metadata = coalesce(@metadata::jsonb, metadata),
                rate_limit = CASE WHEN @setRateLimit THEN @rateLimit ELSE rate_limit END,
                updated_at = @now
            WHERE id = @webhookId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
            RETURNING {WebhookEndpointRow.Columns}
            """,
            new
            {
                webhookId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                url = settings.Url,
                description = settings.Description,
                disabled = settings.Disabled,
                filterTypes = settings.FilterTypes,
                metadata = settings.Metadata is null ? null : JsonSerializer.Serialize(settings.Metadata),
                setRateLimit = settings.RateLimit.IsSet,
                rateLimit = settings.RateLimit.Value,
                now = clock.GetUtcNow().UtcDateTime,
            }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes the endpoint (kept for the delivery log) and gives up its pending deliveries.</summary>
    public async Task<bool> DeleteAsync(Tenant tenant, string webhookId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_endpoints SET deleted_at = @now, updated_at = @now WHERE id = @webhookId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL",
            new { webhookId, businessId = tenant.BusinessId, mode = tenant.ModeText, now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint deleted' WHERE endpoint_id = @webhookId AND business_id = @businessId AND mode = @mode AND status = 'pending'",
            new { webhookId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public string Secret(WebhookEndpointRow endpoint) => protector.Unprotect(endpoint.SecretProtected);

    /// <summary>The secrets that sign a delivery now: the current one, plus the previous one while its grace period lasts.</summary>
    public IReadOnlyList<string> SigningSecrets(WebhookEndpointRow endpoint, DateTime now) =>
        endpoint is { PreviousSecretProtected: { } previous, PreviousSecretExpiresAt: { } expires } && expires > now
            ? [Secret(endpoint), protector.Unprotect(previous)]
            : [Secret(endpoint)];

    public Dictionary<string, string> Headers(WebhookEndpointRow endpoint) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(endpoint.HeadersProtected)) ?? [];

    /// <summary>Adds or replaces custom headers; an empty value removes that header.</summary>
    public async Task<bool> MergeHeadersAsync(Tenant tenant, string webhookId, Dictionary<string, string> changes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Lock the row: two concurrent header edits must not lose one another's changes.
        var current = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT headers_protected FROM webhook_endpoints WHERE id = @webhookId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL FOR UPDATE",
            new { webhookId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return false;
        }
        var headers = new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(current)) ?? [], StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in changes)
        {
            if (value.Length == 0)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_endpoints SET headers_protected = @headers, updated_at = @now WHERE id = @webhookId AND business_id = @businessId AND mode = @mode",
            new { webhookId, businessId = tenant.BusinessId, mode = tenant.ModeText, headers = protector.Protect(JsonSerializer.Serialize(headers)), now = clock.GetUtcNow().UtcDateTime },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Replaces the secret; the old one keeps signing for the configured grace period (24 h).</summary>
    public Task<string?> RotateSecretAsync(Tenant tenant, string webhookId, CancellationToken cancellationToken) =>
        RotateSecretAsync(tenant, webhookId, null, cancellationToken);

    /// <summary>
    /// The same, only if the endpoint has not changed since <paramref name="ifUnchangedSince"/> (its <c>updated_at</c>, when given):
    /// a form sent twice rotates once, so the secret in use before keeps its grace period.
    /// </summary>
    public async Task<string?> RotateSecretAsync(Tenant tenant, string webhookId, DateTime? ifUnchangedSince, CancellationToken cancellationToken)
    {
        var secret = WebhookSignature.NewSecret();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rotated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE webhook_endpoints SET
                previous_secret_protected = secret_protected,
                previous_secret_expires_at = @expires,
                secret_protected = @secret,
                updated_at = @now
            WHERE id = @webhookId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
              AND (@ifUnchangedSince::timestamptz IS NULL OR updated_at = @ifUnchangedSince)
            """,
            new { webhookId, businessId = tenant.BusinessId, mode = tenant.ModeText, secret = protector.Protect(secret), expires = now + options.Value.PreviousSecretLifetime, now, ifUnchangedSince },
            cancellationToken: cancellationToken));
        return rotated == 1 ? secret : null;
    }

    public static string EncodeCursor(WebhookEndpointRow row) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{row.CreatedAt.Ticks}:{row.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DateTime CreatedAt, string Id)? DecodeCursor(string? iterator)
    {
        if (string.IsNullOrEmpty(iterator))
        {
            return null;
        }
        try
        {
            var padded = iterator.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':', 2);
            return (new DateTime(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc), parts[1]);
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new InvalidCursorException();
        }
    }
}

public sealed class InvalidCursorException : Exception
{
    public InvalidCursorException() : base("The iterator is not one this server issued.")
    {
    }
}
