using System.Globalization;
using Clientele.Features.Dashboard.Access;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Dashboard.Team;

/// <summary>A member of a business's team as the team page and the CLI list them.</summary>
public sealed record TeamMember(string UserId, string Email, DashboardRole Role, bool TwoFactorEnabled, DateTime CreatedAt);

public abstract record InviteOutcome
{
    /// <summary>The membership exists and a single-use sign-in link was made (and e-mailed when asked).</summary>
    public sealed record Invited(string UserId, string Email, DashboardRole Role, string Link, DateTime LinkExpiresAt) : InviteOutcome;

    public sealed record InvalidEmail : InviteOutcome;

    public sealed record AlreadyMember : InviteOutcome;

    public sealed record BusinessNotFound : InviteOutcome;
}

public abstract record TeamChangeOutcome
{
    public sealed record Done : TeamChangeOutcome;

    public sealed record MemberNotFound : TeamChangeOutcome;

    /// <summary>Refused: the business would be left without an owner.</summary>
    public sealed record LastOwner : TeamChangeOutcome;
}

/// <summary>
/// A business's team: invite, change a role, remove. A business never loses its last owner: each change
/// first locks the business row, then runs one guarded statement (in a fresh snapshot, so two owners
/// demoting each other at once cannot both succeed).
/// </summary>
public sealed class DashboardTeam(
    NpgsqlDataSource dataSource,
    DashboardLinks links,
    DashboardSignIn signIn,
    DashboardEmails emails,
    EmailOutbox outbox,
    EmailDispatchSignal mailSignal,
    IOptions<DashboardOptions> options,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<TeamMember>> ListAsync(string businessId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string UserId, string Email, string Role, bool TwoFactor, DateTime CreatedAt)>(new CommandDefinition("""
            SELECT u.id, u.email, m.role, u.totp_enabled_at IS NOT NULL, m.created_at
            FROM dashboard_memberships m JOIN dashboard_users u ON u.id = m.user_id
            WHERE m.business_id = @businessId ORDER BY u.email
            """, new { businessId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new TeamMember(r.UserId, r.Email, DashboardPermissions.Parse(r.Role), r.TwoFactor, r.CreatedAt))];
    }

    /// <summary>Adds a person (made on first invitation) to the business with a role, and e-mails them a sign-in link.</summary>
    public async Task<InviteOutcome> InviteAsync(string businessId, string email, DashboardRole role, CultureInfo culture, bool sendEmail, CancellationToken cancellationToken)
    {
        if (EmailAddress.Normalize(email) is not { } valid)
        {
            return new InviteOutcome.InvalidEmail();
        }
        var normalized = valid.ToLowerInvariant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var businessName = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT name FROM businesses WHERE id = @businessId", new { businessId }, transaction, cancellationToken: cancellationToken));
        if (businessName is null)
        {
            return new InviteOutcome.BusinessNotFound();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var userId = await UpsertUserAsync(connection, transaction, normalized, now, cancellationToken);
        var added = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dashboard_memberships (business_id, user_id, role, created_at, updated_at) VALUES (@businessId, @userId, @role, @now, @now)
            ON CONFLICT (business_id, user_id) DO NOTHING
            """, new { businessId, userId, role = role.ToDb(), now }, transaction, cancellationToken: cancellationToken));
        if (added == 0)
        {
            return new InviteOutcome.AlreadyMember();
        }
        var lifetime = options.Value.LinkLifetime;
        var (token, expiresAt) = await links.CreateAsync(connection, transaction, userId, lifetime, cancellationToken);
        var link = signIn.LinkUrl(token);
        if (sendEmail)
        {
            await outbox.EnqueueAsync(connection, transaction, EmailScope.Platform, emails.Invitation(normalized, businessName, role.ToDb(), link, lifetime, culture), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (sendEmail)
        {
            mailSignal.Wake();
        }
        return new InviteOutcome.Invited(userId, normalized, role, link, expiresAt);
    }

    /// <summary>Makes sure a person is a member (keeping a role they already have) and returns a fresh sign-in link (the demo seed).</summary>
    public async Task<string> EnsureMemberWithLinkAsync(string businessId, string email, DashboardRole role, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email)?.ToLowerInvariant() ?? throw new ArgumentException("Not an e-mail address.", nameof(email));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var userId = await UpsertUserAsync(connection, transaction, normalized, now, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dashboard_memberships (business_id, user_id, role, created_at, updated_at) VALUES (@businessId, @userId, @role, @now, @now)
            ON CONFLICT (business_id, user_id) DO NOTHING
            """, new { businessId, userId, role = role.ToDb(), now }, transaction, cancellationToken: cancellationToken));
        var (token, _) = await links.CreateAsync(connection, transaction, userId, options.Value.LinkLifetime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return signIn.LinkUrl(token);
    }

    public Task<TeamChangeOutcome> ChangeRoleAsync(string businessId, string userId, DashboardRole role, CancellationToken cancellationToken) =>
        GuardedAsync(businessId, """
            UPDATE dashboard_memberships m SET role = @role, updated_at = @now
            WHERE m.business_id = @businessId AND m.user_id = @userId
              AND (m.role <> 'owner' OR @role = 'owner'
                   OR EXISTS (SELECT 1 FROM dashboard_memberships o WHERE o.business_id = @businessId AND o.role = 'owner' AND o.user_id <> @userId))
            """, userId, role.ToDb(), cancellationToken);

    public Task<TeamChangeOutcome> RemoveAsync(string businessId, string userId, CancellationToken cancellationToken) =>
        GuardedAsync(businessId, """
            DELETE FROM dashboard_memberships m
            WHERE m.business_id = @businessId AND m.user_id = @userId
              AND (m.role <> 'owner'
                   OR EXISTS (SELECT 1 FROM dashboard_memberships o WHERE o.business_id = @businessId AND o.role = 'owner' AND o.user_id <> @userId))
            """, userId, null, cancellationToken);

    /// <summary>The member with this e-mail in the business (the CLI names people by address), or null.</summary>
    public async Task<string?> FindMemberAsync(string businessId, string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            SELECT u.id FROM dashboard_users u JOIN dashboard_memberships m ON m.user_id = u.id
            WHERE m.business_id = @businessId AND u.email = @email
            """, new { businessId, email = email.Trim().ToLowerInvariant() }, cancellationToken: cancellationToken));
    }

    private async Task<TeamChangeOutcome> GuardedAsync(string businessId, string sql, string userId, string? role, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Team changes of one business take turns; the guarded statement below then sees the latest team.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM businesses WHERE id = @businessId FOR NO KEY UPDATE", new { businessId }, transaction, cancellationToken: cancellationToken));
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql,
            new { businessId, userId, role, now = clock.GetUtcNow().UtcDateTime }, transaction, cancellationToken: cancellationToken));
        if (changed == 1)
        {
            await transaction.CommitAsync(cancellationToken);
            return new TeamChangeOutcome.Done();
        }
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM dashboard_memberships WHERE business_id = @businessId AND user_id = @userId)",
            new { businessId, userId }, transaction, cancellationToken: cancellationToken));
        return exists ? new TeamChangeOutcome.LastOwner() : new TeamChangeOutcome.MemberNotFound();
    }

    private static Task<string> UpsertUserAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string email, DateTime now, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<string>(new CommandDefinition("""
            INSERT INTO dashboard_users (id, email, created_at) VALUES (@id, @email, @now)
            ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
            RETURNING id
            """, new { id = Ids.New(Ids.DashboardUser), email, now }, transaction, cancellationToken: cancellationToken));
}
