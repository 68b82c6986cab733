using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Portal.Sessions;

/// <summary>
/// Server-side portal sessions. The cookie carries a random token; the row carries its hash, the
/// customer, and the clocks: a session ends after <see cref="PortalOptions.SessionIdleTimeout"/>
/// without use or <see cref="PortalOptions.SessionAbsoluteTimeout"/> after sign-in, or when revoked.
/// </summary>
public sealed class PortalSessionStore(NpgsqlDataSource dataSource, IOptions<PortalOptions> options, TimeProvider clock)
{
    /// <summary>Opens a session (in the caller's transaction), revoking the one it replaces so a sign-in always rotates the token.</summary>
    public async Task<string> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string customerId,
        string? returnUrl, string? unifiedSessionId, string? replacedToken, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (replacedToken is not null && PortalTokens.LooksValid(replacedToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE portal_sessions SET revoked_at = @now WHERE token_hash = @hash AND mode = @mode AND revoked_at IS NULL",
                new { now, hash = PortalTokens.Hash(replacedToken), mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        }
        var token = PortalTokens.New();
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO portal_sessions (token_hash, id, business_id, mode, customer_id, return_url, unified_session_id, created_at, last_seen_at, expires_at)
            VALUES (@hash, @id, @businessId, @mode, @customerId, @returnUrl, @unifiedSessionId, @now, @now, @expiresAt)
            """,
            new
            {
                hash = PortalTokens.Hash(token),
                id = Ids.New(Ids.PortalSession),
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                customerId,
                returnUrl,
                unifiedSessionId,
                now,
                expiresAt = now + options.Value.SessionAbsoluteTimeout,
            },
            transaction, cancellationToken: cancellationToken));
        return token;
    }

    /// <summary>
    /// How finely a session's last use is recorded: a page view writes <c>last_seen_at</c> only when the
    /// recorded time is at least this old, so browsing costs a write a minute, not a write (and a WAL
    /// flush) per page. The idle timeout counts from the recorded time, so it is exact to this granularity:
    /// a session may end up to this much sooner after its true last use, never later.
    /// </summary>
    public static readonly TimeSpan ActivityGranularity = TimeSpan.FromMinutes(1);

    /// <summary>The live session for a cookie token in this mode (touching its idle clock), or null.</summary>
    public async Task<PortalSession?> ResolveAsync(string? token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ResolveAsync(connection, token, mode, cancellationToken);
    }

    /// <summary>As <see cref="ResolveAsync(string?, Mode, CancellationToken)"/>, on the request's connection; one statement.</summary>
    public async Task<PortalSession?> ResolveAsync(NpgsqlConnection connection, string? token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // The UPDATE matches no row unless the recorded use is a minute old: then the statement writes
        // nothing and its commit needs no WAL flush.
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition("""
            WITH live AS (
                SELECT token_hash, id, business_id, mode, customer_id, return_url, unified_session_id, expires_at, last_seen_at
                FROM portal_sessions
                WHERE token_hash = @hash AND mode = @mode AND revoked_at IS NULL AND expires_at > @now AND last_seen_at > @idleCutoff
            ),
            touched AS (
                UPDATE portal_sessions s SET last_seen_at = @now
                FROM live
                WHERE s.token_hash = live.token_hash AND live.last_seen_at <= @touchCutoff AND s.last_seen_at <= @touchCutoff
            )
            SELECT t.id AS session_id, t.business_id, t.customer_id, t.return_url, t.unified_session_id, t.expires_at,
                   c.name AS customer_name, c.email AS customer_email, c.phone_number AS customer_phone,
                   b.name AS business_name, b.logo_url, b.accent_color, b.support_email, b.privacy_url, b.terms_url
            FROM live t
            JOIN customers c ON c.id = t.customer_id AND c.business_id = t.business_id AND c.mode = t.mode
            JOIN businesses b ON b.id = t.business_id
            """,
            new { now, hash = PortalTokens.Hash(token!), mode = mode.ToDb(), idleCutoff = now - options.Value.SessionIdleTimeout, touchCutoff = now - ActivityGranularity },
            cancellationToken: cancellationToken));
        return row is null ? null : new PortalSession(row.SessionId, mode, row.CustomerId, row.CustomerName, row.CustomerEmail, row.CustomerPhone,
            row.ReturnUrl, row.UnifiedSessionId, row.ExpiresAt, new PortalBrand(row.BusinessId, row.BusinessName, row.LogoUrl, row.AccentColor, row.SupportEmail, row.PrivacyUrl, row.TermsUrl));
    }

    /// <summary>The business of a session that has ended (expired or revoked), to send the customer to its sign-in page.</summary>
    public async Task<string?> FindBusinessOfAsync(string? token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindBusinessOfAsync(connection, token, mode, cancellationToken);
    }

    /// <summary>As <see cref="FindBusinessOfAsync(string?, Mode, CancellationToken)"/>, on the request's connection.</summary>
    public async Task<string?> FindBusinessOfAsync(NpgsqlConnection connection, string? token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT business_id FROM portal_sessions WHERE token_hash = @hash AND mode = @mode",
            new { hash = PortalTokens.Hash(token!), mode = mode.ToDb() }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends a session for good (logout); the cookie is worthless afterwards even if kept.</summary>
    public async Task RevokeAsync(string? token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE portal_sessions SET revoked_at = @now WHERE token_hash = @hash AND mode = @mode AND revoked_at IS NULL",
            new { now = clock.GetUtcNow().UtcDateTime, hash = PortalTokens.Hash(token!), mode = mode.ToDb() }, cancellationToken: cancellationToken));
    }

    private sealed class SessionRow
    {
        public string SessionId { get; init; } = "";
        public string BusinessId { get; init; } = "";
        public string CustomerId { get; init; } = "";
        public string? ReturnUrl { get; init; }
        public string? UnifiedSessionId { get; init; }
        public DateTime ExpiresAt { get; init; }
        public string CustomerName { get; init; } = "";
        public string CustomerEmail { get; init; } = "";
        public string? CustomerPhone { get; init; }
        public string BusinessName { get; init; } = "";
        public string? LogoUrl { get; init; }
        public string? AccentColor { get; init; }
        public string? SupportEmail { get; init; }
        public string? PrivacyUrl { get; init; }
        public string? TermsUrl { get; init; }
    }
}
