using System.Globalization;
using Clientele.Features.Dashboard.TwoFactor;
using Clientele.Platform;
using Clientele.Platform.Email;
using Clientele.Platform.Hosting;
using Clientele.Platform.Security;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Dashboard.Access;

public abstract record SignInRequestOutcome
{
    /// <summary>The request was taken. Whether an e-mail went out is deliberately not said.</summary>
    public sealed record Accepted : SignInRequestOutcome;

    public sealed record RateLimited(TimeSpan RetryAfter) : SignInRequestOutcome;
}

public abstract record SignInRedeemOutcome
{
    /// <summary>A session was opened; when <paramref name="NeedsSecondFactor"/> it is only good for the code page.</summary>
    public sealed record SignedIn(string SessionToken, bool NeedsSecondFactor) : SignInRedeemOutcome;

    public sealed record Refused(DashboardLinkState State) : SignInRedeemOutcome;
}

public abstract record SecondFactorOutcome
{
    public sealed record Verified(bool UsedRecoveryCode) : SecondFactorOutcome;

    public sealed record WrongCode : SecondFactorOutcome;

    public sealed record RateLimited(TimeSpan RetryAfter) : SecondFactorOutcome;
}

/// <summary>
/// Signing in to the dashboard: an e-mailed single-use link (requested on the login page, or made by an
/// invitation or the CLI), then a two-factor code for people who turned it on.
/// </summary>
public sealed class DashboardSignIn(
    NpgsqlDataSource dataSource,
    DashboardLinks links,
    DashboardSessionStore sessions,
    DashboardEmails emails,
    TwoFactorOperations twoFactor,
    EmailOutbox outbox,
    EmailDispatchSignal mailSignal,
    RateLimiter rateLimiter,
    IOptions<DashboardOptions> options,
    IOptions<PublicUrlOptions> urls,
    BackgroundWork background,
    ILogger<DashboardSignIn> logger)
{
    public string LinkUrl(string token) => $"{urls.Value.BaseFor(Mode.Live)}/dashboard/link/{token}";

    /// <summary>The login page's form: the same answer, equally fast, whether or not the address belongs to a member.</summary>
    public async Task<SignInRequestOutcome> RequestLinkAsync(string email, string clientIp, CultureInfo culture, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var decision = await rateLimiter.HitAsync(
        [
            new(options.Value.PerEmail.Rule("dashboard_login_email"), normalized),
            new(options.Value.PerIp.Rule("dashboard_login_ip"), clientIp),
        ], cancellationToken);
        if (!decision.Allowed)
        {
            logger.LogWarning("Dashboard sign-in request refused by rate limit {Rule}", decision.ExceededRule);
            return new SignInRequestOutcome.RateLimited(decision.RetryAfter);
        }
        background.Run("dashboard sign-in link", () => SendLinkAsync(normalized, culture, CancellationToken.None));
        return new SignInRequestOutcome.Accepted();
    }

    private async Task SendLinkAsync(string email, CultureInfo culture, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var userId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            SELECT u.id FROM dashboard_users u
            WHERE u.email = @email AND EXISTS (SELECT 1 FROM dashboard_memberships m WHERE m.user_id = u.id)
            """, new { email }, transaction, cancellationToken: cancellationToken));
        if (userId is null)
        {
            return;
        }
        var lifetime = options.Value.LinkLifetime;
        var (token, _) = await links.CreateAsync(connection, transaction, userId, lifetime, cancellationToken);
        await outbox.EnqueueAsync(connection, transaction, EmailScope.Platform, emails.SignInLink(email, LinkUrl(token), lifetime, culture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
    }

    public async Task<DashboardLinkState> PeekAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await links.PeekAsync(connection, token, cancellationToken);
    }

    /// <summary>Uses a link and opens a session (replacing the browser's previous one).</summary>
    public async Task<SignInRedeemOutcome> RedeemAsync(string token, string? currentSessionToken, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var userId = await links.ConsumeAsync(connection, transaction, token, cancellationToken);
        if (userId is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new SignInRedeemOutcome.Refused(await links.PeekAsync(connection, token, cancellationToken));
        }
        var needsSecondFactor = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT totp_enabled_at IS NOT NULL FROM dashboard_users WHERE id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        var sessionToken = await sessions.CreateAsync(connection, transaction, userId, needsSecondFactor, currentSessionToken, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Dashboard sign-in by link for {UserId} (second factor due: {NeedsSecondFactor})", userId, needsSecondFactor);
        return new SignInRedeemOutcome.SignedIn(sessionToken, needsSecondFactor);
    }

    /// <summary>The code step of a sign-in: a code from the app or a recovery code completes the session.</summary>
    public async Task<SecondFactorOutcome> VerifySecondFactorAsync(DashboardSession session, string? code, CancellationToken cancellationToken)
    {
        switch (await twoFactor.CheckAsync(session.UserId, code, cancellationToken))
        {
            case CodeCheckOutcome.Accepted accepted when await sessions.CompleteSecondFactorAsync(session.SessionId, cancellationToken):
                logger.LogInformation("Dashboard second factor for {UserId} (recovery code: {UsedRecoveryCode})", session.UserId, accepted.UsedRecoveryCode);
                return new SecondFactorOutcome.Verified(accepted.UsedRecoveryCode);
            case CodeCheckOutcome.RateLimited limited:
                return new SecondFactorOutcome.RateLimited(limited.RetryAfter);
            default:
                return new SecondFactorOutcome.WrongCode();
        }
    }
}
