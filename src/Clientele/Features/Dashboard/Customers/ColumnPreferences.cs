using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.Customers;

public abstract record SaveColumnsOutcome
{
    public sealed record Saved(IReadOnlyList<CustomerColumn> Columns) : SaveColumnsOutcome;

    /// <summary>An unknown key, a key twice, or no column at all; <paramref name="Message"/> says which.</summary>
    public sealed record Invalid(string Message) : SaveColumnsOutcome;
}

/// <summary>
/// Which columns a person sees, in which order, per business and mode (Edit columns: show, hide,
/// reorder). <paramref name="userId"/>s are dashboard user ids as text (no foreign key yet: see 0012).
/// </summary>
public sealed class ColumnPreferences(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The saved columns, or <see cref="CustomerColumns.Default"/> when none are saved.</summary>
    public async Task<IReadOnlyList<CustomerColumn>> GetAsync(Tenant tenant, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var keys = await connection.QuerySingleOrDefaultAsync<string[]>(new CommandDefinition(
            "SELECT columns FROM customer_column_preferences WHERE business_id = @businessId AND mode = @mode AND user_id = @userId",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, userId }, cancellationToken: cancellationToken));
        // A key a later version dropped is skipped rather than breaking the page.
        var saved = keys?.Select(key => CustomerColumns.TryParse(key, out var column) ? column : (CustomerColumn?)null).OfType<CustomerColumn>().Distinct().ToList();
        return saved is { Count: > 0 } ? saved : CustomerColumns.Default;
    }

    /// <summary>The columns a page shows: those in its URL, else the person's, else the default.</summary>
    public async Task<IReadOnlyList<CustomerColumn>> ResolveAsync(Tenant tenant, string userId, CustomerListQuery query, CancellationToken cancellationToken) =>
        query.Columns ?? await GetAsync(tenant, userId, cancellationToken);

    public Task<SaveColumnsOutcome> SaveAsync(Tenant tenant, string userId, IEnumerable<string> keys, CancellationToken cancellationToken) =>
        CustomerColumns.TryParseList(keys, out var columns) is { } problem
            ? Task.FromResult<SaveColumnsOutcome>(new SaveColumnsOutcome.Invalid(problem))
            : SaveAsync(tenant, userId, columns, cancellationToken);

    public async Task<SaveColumnsOutcome> SaveAsync(Tenant tenant, string userId, IReadOnlyList<CustomerColumn> columns, CancellationToken cancellationToken)
    {
        if (columns.Count == 0 || columns.Distinct().Count() != columns.Count)
        {
            return new SaveColumnsOutcome.Invalid("Choose at least one column, each once.");
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO customer_column_preferences (business_id, mode, user_id, columns, updated_at)
            VALUES (@businessId, @mode, @userId, @columns, @now)
            ON CONFLICT (business_id, mode, user_id) DO UPDATE SET columns = excluded.columns, updated_at = excluded.updated_at
            """,
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, userId, columns = columns.Select(c => c.Key()).ToArray(), now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
        return new SaveColumnsOutcome.Saved(columns);
    }

    /// <summary>Back to the default columns.</summary>
    public async Task ResetAsync(Tenant tenant, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM customer_column_preferences WHERE business_id = @businessId AND mode = @mode AND user_id = @userId",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, userId }, cancellationToken: cancellationToken));
    }
}
