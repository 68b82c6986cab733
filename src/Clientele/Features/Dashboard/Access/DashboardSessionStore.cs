using Clientele.Features.Portal;
using Clientele.Features.Portal.Sessions;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Dashboard.Access;

/// <summary>
/// Server-side dashboard sessions. The cookie carries a random token, the row its hash and the clocks:
/// a session ends after <see cref="DashboardOptions.SessionIdleTimeout"/> without use,
/// <see cref="DashboardOptions.SessionAbsoluteTimeout"/> after sign-in, or when revoked (logout).
/// </summary>
public sealed class DashboardSessionStore(NpgsqlDataSource dataSource, IOptions<DashboardOptions> options, TimeProvider clock)
{
    /// <summary>Opens a session in the caller's transaction, revoking the one the browser had (a sign-in always rotates the token).</summary>
    public async Task<string> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string userId, bool awaitingSecondFactor,
        string? replacedToken, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (PortalTokens.LooksValid(replacedToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_sessions SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
                new { now, hash = PortalTokens.Hash(replacedToken!) }, transaction, cancellationToken: cancellationToken));
        }
        var token = PortalTokens.New();
        var lifetime = awaitingSecondFactor ? options.Value.SecondFactorTimeout : options.Value.SessionAbsoluteTimeout;
        // A new session opens on the business the person used last, if they are still a member there
        // (else none: the first page falls back to their first membership).
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dashboard_sessions (token_hash, id, user_id, business_id, awaiting_second_factor, created_at, last_seen_at, expires_at)
            VALUES (@hash, @id, @userId,
                (SELECT u.last_business_id FROM dashboard_users u
                 JOIN dashboard_memberships m ON m.user_id = u.id AND m.business_id = u.last_business_id
                 WHERE u.id = @userId),
                @awaitingSecondFactor, @now, @now, @expiresAt)
            """,
            new { hash = PortalTokens.Hash(token), id = Ids.New(Ids.DashboardSession), userId, awaitingSecondFactor, now, expiresAt = now + lifetime },
            transaction, cancellationToken: cancellationToken));
        return token;
    }

    /// <summary>
    /// The live session for a cookie token with every business its person belongs to (by name), or null:
    /// one round trip. Its use is recorded as the portal's is (<see cref="PortalSessionStore.ActivityGranularity"/>):
    /// <c>last_seen_at</c> is written only when the recorded use is a minute old, so browsing costs a write
    /// (and a WAL flush) a minute rather than one per page, and the idle timeout is exact to the minute
    /// (a session may end up to a minute early, never late).
    /// </summary>
    public async Task<(DashboardSession Session, IReadOnlyList<DashboardMembership> Memberships)?> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            WITH live AS (
                SELECT token_hash, id, user_id, business_id, mode, awaiting_second_factor, expires_at, last_seen_at
                FROM dashboard_sessions
                WHERE token_hash = @hash AND revoked_at IS NULL AND expires_at > @now AND last_seen_at > @idleCutoff
            ),
            touched AS (
                UPDATE dashboard_sessions s SET last_seen_at = @now
                FROM live
                WHERE s.token_hash = live.token_hash AND live.last_seen_at <= @touchCutoff AND s.last_seen_at <= @touchCutoff
            )
            SELECT t.id AS session_id, t.user_id, u.email, t.business_id, t.mode, t.awaiting_second_factor,
                   u.totp_enabled_at IS NOT NULL AS two_factor_enabled, t.expires_at
            FROM live t JOIN dashboard_users u ON u.id = t.user_id;

            SELECT m.business_id, b.name, m.role
            FROM dashboard_sessions s
            JOIN dashboard_memberships m ON m.user_id = s.user_id
            JOIN businesses b ON b.id = m.business_id
            WHERE s.token_hash = @hash AND s.revoked_at IS NULL AND s.expires_at > @now AND s.last_seen_at > @idleCutoff
            ORDER BY b.name, m.business_id
            """,
            new { now, hash = PortalTokens.Hash(token!), idleCutoff = now - options.Value.SessionIdleTimeout, touchCutoff = now - PortalSessionStore.ActivityGranularity },
            cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<SessionRow>();
        var memberships = await results.ReadAsync<(string BusinessId, string BusinessName, string Role)>();
        if (row is null)
        {
            return null;
        }
        var session = new DashboardSession(row.SessionId, row.UserId, row.Email, row.BusinessId, ModeText.Parse(row.Mode), row.AwaitingSecondFactor, row.TwoFactorEnabled, row.ExpiresAt);
        return (session, [.. memberships.Select(r => new DashboardMembership(r.BusinessId, r.BusinessName, DashboardPermissions.Parse(r.Role)))]);
    }

    /// <summary>
    /// Remembers the business and mode this session looks at (the switcher), and the business as the
    /// person's last one, where their next sign-in opens. Both only when something changed.
    /// </summary>
    public async Task SetViewAsync(string sessionId, string businessId, Mode mode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            WITH viewed AS (
                UPDATE dashboard_sessions SET business_id = @businessId, mode = @mode
                WHERE id = @sessionId AND revoked_at IS NULL AND (business_id IS DISTINCT FROM @businessId OR mode <> @mode)
                RETURNING user_id
            )
            UPDATE dashboard_users u SET last_business_id = @businessId
            FROM viewed WHERE u.id = viewed.user_id AND u.last_business_id IS DISTINCT FROM @businessId
            """,
            new { sessionId, businessId, mode = mode.ToDb() }, cancellationToken: cancellationToken));
    }

    /// <summary>After a correct two-factor code: the session becomes a full one, with the absolute timeout counted from sign-in.</summary>
    public async Task<bool> CompleteSecondFactorAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE dashboard_sessions SET awaiting_second_factor = false, expires_at = created_at + @absolute
            WHERE id = @sessionId AND awaiting_second_factor AND revoked_at IS NULL
            """, new { sessionId, absolute = options.Value.SessionAbsoluteTimeout }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Ends a session for good (logout); the cookie is worthless afterwards even if kept.</summary>
    public async Task RevokeAsync(string? token, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_sessions SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
            new { now = clock.GetUtcNow().UtcDateTime, hash = PortalTokens.Hash(token!) }, cancellationToken: cancellationToken));
    }

    private sealed class SessionRow
    {
        public string SessionId { get; init; } = "";
        public string UserId { get; init; } = "";
        public string Email { get; init; } = "";
        public string? BusinessId { get; init; }
        public string Mode { get; init; } = "test";
        public bool AwaitingSecondFactor { get; init; }
        public bool TwoFactorEnabled { get; init; }
        public DateTime ExpiresAt { get; init; }
    }
}
