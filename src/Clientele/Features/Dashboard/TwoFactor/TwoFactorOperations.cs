using Clientele.Platform.Security;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using OtpNet;

namespace Clientele.Features.Dashboard.TwoFactor;

/// <summary>An enrolment in progress: the secret to type (base32) and the authenticator URI (for a QR code).</summary>
public sealed record TotpEnrolment(string SecretBase32, string OtpAuthUri);

public abstract record BeginEnrolmentOutcome
{
    public sealed record Started(TotpEnrolment Enrolment) : BeginEnrolmentOutcome;

    public sealed record AlreadyEnabled : BeginEnrolmentOutcome;
}

public abstract record ConfirmEnrolmentOutcome
{
    /// <summary>Two-factor is on; these codes are shown now and never again.</summary>
    public sealed record Enabled(IReadOnlyList<string> RecoveryCodes) : ConfirmEnrolmentOutcome;

    public sealed record WrongCode : ConfirmEnrolmentOutcome;

    public sealed record NotStarted : ConfirmEnrolmentOutcome;

    public sealed record RateLimited(TimeSpan RetryAfter) : ConfirmEnrolmentOutcome;
}

public abstract record CodeCheckOutcome
{
    public sealed record Accepted(bool UsedRecoveryCode) : CodeCheckOutcome;

    public sealed record WrongCode : CodeCheckOutcome;

    public sealed record NotEnabled : CodeCheckOutcome;

    public sealed record RateLimited(TimeSpan RetryAfter) : CodeCheckOutcome;
}

/// <summary>
/// TOTP two-factor (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, one step either side for clock drift)
/// with recovery codes. A code is accepted at most once (the last accepted step is kept and must grow),
/// a recovery code exactly once, and attempts are rate-limited per person.
/// </summary>
public sealed class TwoFactorOperations(NpgsqlDataSource dataSource, TotpSecrets secrets, RateLimiter rateLimiter, IOptions<DashboardOptions> options, TimeProvider clock)
{
    public const string Issuer = "Clientele";

    /// <summary>Makes a new secret (replacing an unconfirmed one) and returns what the person types into their app.</summary>
    public async Task<BeginEnrolmentOutcome> BeginAsync(string userId, string email, CancellationToken cancellationToken)
    {
        var secret = KeyGeneration.GenerateRandomKey(20);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_users SET totp_secret = @secret WHERE id = @userId AND totp_enabled_at IS NULL",
            new { userId, secret = secrets.Encrypt(userId, secret) }, cancellationToken: cancellationToken));
        return updated == 0 ? new BeginEnrolmentOutcome.AlreadyEnabled() : new BeginEnrolmentOutcome.Started(Describe(email, secret));
    }

    /// <summary>The unconfirmed enrolment, to show it again (after a wrong code), or null.</summary>
    public async Task<TotpEnrolment?> PendingAsync(string userId, string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT totp_secret FROM dashboard_users WHERE id = @userId AND totp_enabled_at IS NULL AND totp_secret IS NOT NULL",
            new { userId }, cancellationToken: cancellationToken));
        return stored is null ? null : Describe(email, secrets.Decrypt(userId, stored));
    }

    /// <summary>Turns two-factor on once a code from the app matches, and issues fresh recovery codes.</summary>
    public async Task<ConfirmEnrolmentOutcome> ConfirmAsync(string userId, string? code, CancellationToken cancellationToken)
    {
        if (await LimitAsync(userId, cancellationToken) is { } retryAfter)
        {
            return new ConfirmEnrolmentOutcome.RateLimited(retryAfter);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT totp_secret FROM dashboard_users WHERE id = @userId AND totp_enabled_at IS NULL AND totp_secret IS NOT NULL FOR UPDATE",
            new { userId }, transaction, cancellationToken: cancellationToken));
        if (stored is null)
        {
            return new ConfirmEnrolmentOutcome.NotStarted();
        }
        if (MatchingStep(secrets.Decrypt(userId, stored), code) is not { } step)
        {
            return new ConfirmEnrolmentOutcome.WrongCode();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_users SET totp_enabled_at = @now, totp_last_step = @step WHERE id = @userId",
            new { userId, now, step }, transaction, cancellationToken: cancellationToken));
        var codes = await ReplaceRecoveryCodesAsync(connection, transaction, userId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ConfirmEnrolmentOutcome.Enabled(codes);
    }

    /// <summary>Checks a code from the app, or a recovery code (using it up), for a person with two-factor on.</summary>
    public async Task<CodeCheckOutcome> CheckAsync(string userId, string? code, CancellationToken cancellationToken)
    {
        if (await LimitAsync(userId, cancellationToken) is { } retryAfter)
        {
            return new CodeCheckOutcome.RateLimited(retryAfter);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT totp_secret FROM dashboard_users WHERE id = @userId AND totp_enabled_at IS NOT NULL",
            new { userId }, cancellationToken: cancellationToken));
        if (stored is null)
        {
            return new CodeCheckOutcome.NotEnabled();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (MatchingStep(secrets.Decrypt(userId, stored), code) is { } step)
        {
            // Guarded: the same code (or an older one) replayed, even concurrently, matches no row.
            var accepted = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_users SET totp_last_step = @step WHERE id = @userId AND (totp_last_step IS NULL OR totp_last_step < @step)",
                new { userId, step }, cancellationToken: cancellationToken));
            return accepted == 1 ? new CodeCheckOutcome.Accepted(false) : new CodeCheckOutcome.WrongCode();
        }
        if (RecoveryCodes.Normalize(code) is { } recovery)
        {
            var used = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_recovery_codes SET used_at = @now WHERE user_id = @userId AND code_hash = @hash AND used_at IS NULL",
                new { userId, hash = RecoveryCodes.Hash(recovery), now }, cancellationToken: cancellationToken));
            if (used == 1)
            {
                return new CodeCheckOutcome.Accepted(true);
            }
        }
        return new CodeCheckOutcome.WrongCode();
    }

    /// <summary>Turns two-factor off after a valid code (or recovery code): the secret and codes are erased.</summary>
    public async Task<CodeCheckOutcome> DisableAsync(string userId, string? code, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(userId, code, cancellationToken);
        if (check is CodeCheckOutcome.Accepted)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = @userId",
                new { userId }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM dashboard_recovery_codes WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
        return check;
    }

    /// <summary>How many recovery codes are left unused.</summary>
    public async Task<int> RecoveryCodesLeftAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*) FROM dashboard_recovery_codes WHERE user_id = @userId AND used_at IS NULL", new { userId }, cancellationToken: cancellationToken));
    }

    private static async Task<IReadOnlyList<string>> ReplaceRecoveryCodesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string userId, DateTime now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_recovery_codes WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        var codes = Enumerable.Range(0, RecoveryCodes.Count).Select(_ => RecoveryCodes.New()).ToList();
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dashboard_recovery_codes (user_id, code_hash, created_at)
            SELECT @userId, h, @now FROM unnest(@hashes) AS t(h)
            """, new { userId, now, hashes = codes.Select(c => RecoveryCodes.Hash(RecoveryCodes.Normalize(c)!)).ToArray() }, transaction, cancellationToken: cancellationToken));
        return codes;
    }

    /// <summary>The 30-second step a 6-digit code matches (now, or one step either side), or null.</summary>
    private long? MatchingStep(byte[] secret, string? code)
    {
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }
        var totp = new Totp(secret, step: 30, mode: OtpHashMode.Sha1, totpSize: 6);
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    private async Task<TimeSpan?> LimitAsync(string userId, CancellationToken cancellationToken)
    {
        var decision = await rateLimiter.HitAsync([new(options.Value.CodeAttempts.Rule("dashboard_code"), userId)], cancellationToken);
        return decision.Allowed ? null : decision.RetryAfter;
    }

    private static TotpEnrolment Describe(string email, byte[] secret)
    {
        var base32 = Base32Encoding.ToString(secret);
        var label = Uri.EscapeDataString($"{Issuer}:{email}");
        return new TotpEnrolment(base32, $"otpauth://totp/{label}?secret={base32}&issuer={Issuer}&algorithm=SHA1&digits=6&period=30");
    }
}
