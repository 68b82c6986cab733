using Clientele.Features.Portal.Sessions;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Access;

public enum LinkPurpose
{
    Login,
    EmailChange,
}

public enum LinkState
{
    Valid,
    Used,
    Expired,
    Unknown,
}

/// <summary>What a link is, found without using it (the GET of a link must not consume it).</summary>
public sealed record LinkPeek(LinkPurpose Purpose, LinkState State, PortalBrand Brand);

/// <summary>A link that has just been used, exactly once.</summary>
public sealed record ConsumedLink(string BusinessId, string CustomerId, string? ReturnUrl, string? NewEmail);

/// <summary>
/// Single-use links into one business's portal. The token is returned once, to be put in the link;
/// the table only has its SHA-256. Using a link is one guarded UPDATE, so two clicks racing each
/// other cannot both succeed.
/// </summary>
public sealed class PortalLinkStore(TimeProvider clock)
{
    public async Task<(string Token, DateTime ExpiresAt)> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant,
        string customerId, LinkPurpose purpose, string origin, string? newEmail, string? returnUrl, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = PortalTokens.New();
        var now = clock.GetUtcNow().UtcDateTime;
        var expiresAt = now + lifetime;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO portal_links (token_hash, business_id, mode, customer_id, purpose, origin, new_email, return_url, created_at, expires_at)
            VALUES (@hash, @businessId, @mode, @customerId, @purpose, @origin, @newEmail, @returnUrl, @now, @expiresAt)
            """,
            new
            {
                hash = PortalTokens.Hash(token),
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                customerId,
                purpose = ToDb(purpose),
                origin,
                newEmail,
                returnUrl,
                now,
                expiresAt,
            },
            transaction, cancellationToken: cancellationToken));
        return (token, expiresAt);
    }

    public async Task<LinkPeek?> PeekAsync(NpgsqlConnection connection, string token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        var row = await connection.QuerySingleOrDefaultAsync<PeekRow>(new CommandDefinition("""
            SELECT l.purpose, l.used_at, l.expires_at, b.id AS business_id, b.name, b.logo_url, b.accent_color, b.support_email, b.privacy_url, b.terms_url
            FROM portal_links l JOIN businesses b ON b.id = l.business_id
            WHERE l.token_hash = @hash AND l.mode = @mode
            """, new { hash = PortalTokens.Hash(token), mode = mode.ToDb() }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var state = row.UsedAt is not null ? LinkState.Used
            : row.ExpiresAt <= clock.GetUtcNow().UtcDateTime ? LinkState.Expired
            : LinkState.Valid;
        return new LinkPeek(FromDb(row.Purpose), state, new PortalBrand(row.BusinessId, row.Name, row.LogoUrl, row.AccentColor, row.SupportEmail, row.PrivacyUrl, row.TermsUrl));
    }

    /// <summary>Uses the link if it is unused and unexpired (and marks it used); otherwise null.</summary>
    public async Task<ConsumedLink?> ConsumeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string token, Mode mode, LinkPurpose purpose, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        return await connection.QuerySingleOrDefaultAsync<ConsumedLink>(new CommandDefinition("""
            UPDATE portal_links SET used_at = @now
            WHERE token_hash = @hash AND mode = @mode AND purpose = @purpose AND used_at IS NULL AND expires_at > @now
            RETURNING business_id, customer_id, return_url, new_email
            """, new { now, hash = PortalTokens.Hash(token), mode = mode.ToDb(), purpose = ToDb(purpose) }, transaction, cancellationToken: cancellationToken));
    }

    private static string ToDb(LinkPurpose purpose) => purpose == LinkPurpose.EmailChange ? "email_change" : "login";

    private static LinkPurpose FromDb(string purpose) => purpose == "email_change" ? LinkPurpose.EmailChange : LinkPurpose.Login;

    private sealed class PeekRow
    {
        public string Purpose { get; init; } = "";
        public DateTime? UsedAt { get; init; }
        public DateTime ExpiresAt { get; init; }
        public string BusinessId { get; init; } = "";
        public string Name { get; init; } = "";
        public string? LogoUrl { get; init; }
        public string? AccentColor { get; init; }
        public string? SupportEmail { get; init; }
        public string? PrivacyUrl { get; init; }
        public string? TermsUrl { get; init; }
    }
}
