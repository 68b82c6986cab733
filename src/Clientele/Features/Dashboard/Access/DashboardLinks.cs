using Clientele.Features.Portal;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.Access;

public enum DashboardLinkState
{
    Valid,
    Used,
    Expired,
    Unknown,
}

/// <summary>
/// Single-use sign-in links. The token (256 random bits) is returned once, to be put in the link; the
/// table has only its SHA-256. Using a link is one guarded UPDATE, so two clicks racing cannot both win.
/// </summary>
public sealed class DashboardLinks(TimeProvider clock)
{
    public async Task<(string Token, DateTime ExpiresAt)> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string userId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = PortalTokens.New();
        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_links (token_hash, user_id, created_at, expires_at) VALUES (@hash, @userId, @now, @expiresAt)",
            new { hash = PortalTokens.Hash(token), userId, now, expiresAt = now + lifetime }, transaction, cancellationToken: cancellationToken));
        return (token, now + lifetime);
    }

    /// <summary>What state a link is in, without using it (the GET of a link must not consume it).</summary>
    public async Task<DashboardLinkState> PeekAsync(NpgsqlConnection connection, string token, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return DashboardLinkState.Unknown;
        }
        var row = await connection.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(
            "SELECT used_at, expires_at FROM dashboard_links WHERE token_hash = @hash",
            new { hash = PortalTokens.Hash(token) }, cancellationToken: cancellationToken));
        return row switch
        {
            null => DashboardLinkState.Unknown,
            { UsedAt: not null } => DashboardLinkState.Used,
            _ when row.ExpiresAt <= clock.GetUtcNow().UtcDateTime => DashboardLinkState.Expired,
            _ => DashboardLinkState.Valid,
        };
    }

    /// <summary>Uses the link if unused and unexpired, returning its person; otherwise null.</summary>
    public async Task<string?> ConsumeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string token, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            UPDATE dashboard_links SET used_at = @now
            WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now
            RETURNING user_id
            """, new { now, hash = PortalTokens.Hash(token) }, transaction, cancellationToken: cancellationToken));
    }

    private sealed class LinkRow
    {
        public DateTime? UsedAt { get; init; }

        public DateTime ExpiresAt { get; init; }
    }
}
