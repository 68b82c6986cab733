using Clientele.Platform.Auth;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Businesses;

public sealed record Business
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? LogoUrl { get; init; }

    public string? AccentColor { get; init; }

    public string? SupportEmail { get; init; }

    public string? PrivacyUrl { get; init; }

    public string? TermsUrl { get; init; }

    /// <summary>Currencies every customer has a wallet in from the start.</summary>
    public string[] DefaultCurrencies { get; init; } = [];

    public DateTime CreatedAt { get; init; }
}

/// <summary>An API key as listed: never the key itself, which is shown once at creation.</summary>
public sealed record ApiKeyInfo(string Id, string BusinessId, string Mode, string Name, string DisplayHint, DateTime CreatedAt, DateTime? RevokedAt);

/// <summary>An API key as the dashboard lists it, with when it was last used (to the minute).</summary>
public sealed record ApiKeyListing(string Id, string Mode, string Name, string DisplayHint, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>A freshly created key: the only moment the secret exists outside the caller's hands.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Secret);

/// <summary>Businesses and their API keys (used by the admin CLI, the demo seeder and tests).</summary>
public sealed class BusinessStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string BusinessColumns = "id, name, logo_url, accent_color, support_email, privacy_url, terms_url, default_currencies, created_at";

    public async Task<Business> CreateAsync(string name, bool isDemo = false, CancellationToken cancellationToken = default)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > 200)
        {
            throw new ArgumentException("A business name must be 1 to 200 characters.", nameof(name));
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<Business>(new CommandDefinition(
            $"INSERT INTO businesses (id, name, is_demo, created_at) VALUES (@id, @name, @isDemo, @now) RETURNING {BusinessColumns}",
            new { id = Ids.New(Ids.Business), name = trimmed, isDemo, now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task<Business?> FindAsync(string businessId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Business>(new CommandDefinition(
            $"SELECT {BusinessColumns} FROM businesses WHERE id = @businessId", new { businessId }, cancellationToken: cancellationToken));
    }

    public async Task<Business?> FindDemoAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Business>(new CommandDefinition(
            $"SELECT {BusinessColumns} FROM businesses WHERE is_demo", cancellationToken: cancellationToken));
    }

    public async Task<CreatedApiKey> CreateApiKeyAsync(string businessId, Mode mode, string name = "", CancellationToken cancellationToken = default) =>
        await CreateApiKeyOnceAsync(businessId, mode, name, null, cancellationToken) ?? throw new KeyNotFoundException($"No business {businessId}.");

    /// <summary>
    /// Creates a key unless one was already made with this <paramref name="creationKey"/> (a form sent twice):
    /// then null, since that key's secret was shown once already. Null too when there is no such business.
    /// </summary>
    public async Task<CreatedApiKey?> CreateApiKeyOnceAsync(string businessId, Mode mode, string name, string? creationKey, CancellationToken cancellationToken = default)
    {
        var secret = ApiKeyFormat.NewKey(mode);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var info = await connection.QuerySingleOrDefaultAsync<ApiKeyInfo>(new CommandDefinition("""
            INSERT INTO api_keys (id, business_id, mode, name, key_hash, display_hint, created_at, creation_key)
            SELECT @id, b.id, @mode, @name, @hash, @hint, @now, @creationKey FROM businesses b WHERE b.id = @businessId
            ON CONFLICT (business_id, creation_key) WHERE creation_key IS NOT NULL DO NOTHING
            RETURNING id, business_id, mode, name, display_hint, created_at, revoked_at
            """,
            new
            {
                creationKey,
                id = Ids.New(Ids.ApiKey),
                businessId,
                mode = mode.ToDb(),
                name = name.Trim(),
                hash = ApiKeyFormat.Hash(secret),
                hint = ApiKeyFormat.DisplayHint(secret),
                now = clock.GetUtcNow().UtcDateTime,
            },
            cancellationToken: cancellationToken));
        return info is null ? null : new CreatedApiKey(info, secret);
    }

    /// <summary>A business's keys in both modes, newest first, with when each was last used.</summary>
    public async Task<IReadOnlyList<ApiKeyListing>> ListApiKeysAsync(string businessId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ApiKeyListing>(new CommandDefinition("""
            SELECT id, mode, name, display_hint, created_at, last_used_at, revoked_at FROM api_keys
            WHERE business_id = @businessId ORDER BY created_at DESC, id DESC LIMIT 500
            """, new { businessId }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Revokes a key of this business (a revoked key stays revoked); false when the business has no such key.</summary>
    public async Task<bool> RevokeApiKeyAsync(string businessId, string keyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, @now) WHERE id = @keyId AND business_id = @businessId",
            new { keyId, businessId, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Revokes a key; returns it as it now stands, or null when there is no such key.</summary>
    public async Task<ApiKeyInfo?> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyInfo>(new CommandDefinition("""
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, @now) WHERE id = @keyId
            RETURNING id, business_id, mode, name, display_hint, created_at, revoked_at
            """, new { keyId, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <summary>Revokes every live key of a business and mode with this name (the demo seeder replaces its key each run).</summary>
    public async Task<int> RevokeNamedKeysAsync(string businessId, Mode mode, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @now WHERE business_id = @businessId AND mode = @mode AND name = @name AND revoked_at IS NULL",
            new { businessId, mode = mode.ToDb(), name, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }
}
