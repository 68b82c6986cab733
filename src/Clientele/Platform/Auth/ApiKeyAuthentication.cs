using Clientele.Platform.Api;
using Clientele.Platform.Audit;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Platform.Auth;

/// <summary>Marks endpoints that need <c>Authorization: Bearer &lt;api key&gt;</c>.</summary>
public sealed class RequiresApiKey
{
    public static RequiresApiKey Instance { get; } = new();
}

/// <summary>Marks public endpoints that also accept an API key (the caller's tenant is then known, via <see cref="Tenant.From"/>).</summary>
public sealed class AcceptsApiKey
{
    public static AcceptsApiKey Instance { get; } = new();
}

public static class ApiKeyAuthenticationExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RequiresApiKey.Instance);

    /// <summary>The endpoint is public, but a valid key identifies the tenant; a missing or bad key is simply ignored.</summary>
    public static TBuilder AcceptApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AcceptsApiKey.Instance);

    /// <summary>Whether the request's endpoint needs an API key (known after routing).</summary>
    public static bool IsRequiredBy(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<RequiresApiKey>() is not null;

    public static IApplicationBuilder UseApiKeyAuthentication(this IApplicationBuilder app) =>
        app.UseMiddleware<ApiKeyAuthenticationMiddleware>();
}

/// <summary>
/// Resolves the API key before the endpoint runs (and before its body is read), so an
/// unauthenticated caller always gets 401 and never learns anything else about the request.
/// </summary>
internal sealed class ApiKeyAuthenticationMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, NpgsqlDataSource dataSource)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequiresApiKey>() is null)
        {
            if (metadata?.GetMetadata<AcceptsApiKey>() is not null && await ResolveAsync(context, dataSource) is { } optional)
            {
                optional.AttachTo(context);
            }
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            await ApiResults.Unauthorized("Missing API key: send Authorization: Bearer <api key>.").ExecuteAsync(context);
            return;
        }
        const string scheme = "Bearer ";
        var key = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (!ApiKeyFormat.TryParse(key, out _))
        {
            await ApiResults.Unauthorized("Malformed API key: expected Authorization: Bearer ck_test_… or ck_live_….").ExecuteAsync(context);
            return;
        }

        (string Id, string BusinessId, string Mode, string Name, string DisplayHint) row;
        // Back to the pool before the endpoint runs: held across next(), every request would take two
        // connections, and a burst of requests could exhaust the pool waiting for their second.
        await using (var connection = await dataSource.OpenConnectionAsync(context.RequestAborted))
        {
            row = await connection.QuerySingleOrDefaultAsync<(string Id, string BusinessId, string Mode, string Name, string DisplayHint)>(new CommandDefinition(
                FindKeySql, KeyParameters(context, key!), cancellationToken: context.RequestAborted));
        }
        if (row.BusinessId is null)
        {
            await ApiResults.Unauthorized("Unknown or revoked API key.").ExecuteAsync(context);
            return;
        }
        var tenant = new Tenant(row.BusinessId, ModeText.Parse(row.Mode));
        tenant.AttachTo(context);
        // The key by its name and visible hint (never the key): who the audit log says acted.
        new AuditActor(tenant, AuditActorKind.ApiKey, row.Id, row.Name.Length > 0 ? $"{row.Name} ({row.DisplayHint})" : row.DisplayHint).AttachTo(context);
        await next(context);
    }

    private static async Task<Tenant?> ResolveAsync(HttpContext context, NpgsqlDataSource dataSource)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var key = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (!ApiKeyFormat.TryParse(key, out _))
        {
            return null;
        }
        await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<(string Id, string BusinessId, string Mode, string Name, string DisplayHint)>(new CommandDefinition(
            FindKeySql, KeyParameters(context, key!), cancellationToken: context.RequestAborted));
        return row.BusinessId is null ? null : new Tenant(row.BusinessId, ModeText.Parse(row.Mode));
    }

    /// <summary>
    /// The key (id, tenant, name and hint: who the audit log says acted), and in the same statement its <c>last_used_at</c> (the dashboard's API keys page),
    /// written at most once a minute per key: the guarded UPDATE touches no row otherwise, so a busy key
    /// costs one index lookup per request and one write per minute.
    /// </summary>
    private const string FindKeySql = """
        WITH k AS (SELECT id, business_id, mode, name, display_hint FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL),
        used AS (
            UPDATE api_keys a SET last_used_at = @now FROM k
            WHERE a.id = k.id AND (a.last_used_at IS NULL OR a.last_used_at <= @touchCutoff)
        )
        SELECT id, business_id, mode, name, display_hint FROM k
        """;

    private static object KeyParameters(HttpContext context, string key)
    {
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        return new { hash = ApiKeyFormat.Hash(key), now, touchCutoff = now - LastUsedGranularity };
    }

    private static readonly TimeSpan LastUsedGranularity = TimeSpan.FromMinutes(1);
}
