using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>A named search with its filters, sort, size and columns; open it by linking to <c>?{Query}</c>.</summary>
public sealed record SavedView(string Id, string Name, string Query, DateTime CreatedAt)
{
    /// <summary>"?q=…" for a link (empty for the default list).</summary>
    public string QueryString => Query.Length == 0 ? "" : "?" + Query;
}

public abstract record SaveViewOutcome
{
    public sealed record Saved(SavedView View) : SaveViewOutcome;

    /// <summary>The name is empty or longer than <see cref="SavedViews.MaxNameLength"/>.</summary>
    public sealed record InvalidName : SaveViewOutcome;

    /// <summary>This person already has a view with this name (case-insensitive) here.</summary>
    public sealed record NameTaken : SaveViewOutcome;

    /// <summary>This person has <see cref="SavedViews.MaxViews"/> views here already.</summary>
    public sealed record TooMany : SaveViewOutcome;
}

public abstract record DeleteViewOutcome
{
    public sealed record Deleted : DeleteViewOutcome;

    public sealed record NotFound : DeleteViewOutcome;
}

/// <summary>
/// Saved views per person, business and mode. The query saved is the canonical form of a parsed
/// query on page 1 (a view is a list, not a position in it), so only valid states are ever saved.
/// </summary>
public sealed class SavedViews(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const int MaxViews = 50;

    public async Task<IReadOnlyList<SavedView>> ListAsync(Tenant tenant, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<SavedView>(new CommandDefinition("""
            SELECT id, name, query, created_at FROM customer_saved_views
            WHERE business_id = @businessId AND mode = @mode AND user_id = @userId ORDER BY lower(name), id
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, userId }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<SaveViewOutcome> SaveAsync(Tenant tenant, string userId, string name, CustomerListQuery query, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            return new SaveViewOutcome.InvalidName();
        }
        var view = new SavedView(Ids.New("cvw"), name, query.FirstPage.ToQueryString().TrimStart('?'), clock.GetUtcNow().UtcDateTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // The count and the insert in one statement; two saves racing past the limit at once can
            // only overshoot it by one each, which is harmless for a soft cap.
            var inserted = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO customer_saved_views (id, business_id, mode, user_id, name, query, created_at)
                SELECT @Id, @businessId, @mode, @userId, @Name, @Query, @CreatedAt
                WHERE (SELECT count(*) FROM customer_saved_views WHERE business_id = @businessId AND mode = @mode AND user_id = @userId) < @max
                """,
                new { view.Id, businessId = tenant.BusinessId, mode = tenant.ModeText, userId, view.Name, view.Query, view.CreatedAt, max = MaxViews },
                cancellationToken: cancellationToken));
            return inserted == 1 ? new SaveViewOutcome.Saved(view) : new SaveViewOutcome.TooMany();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return new SaveViewOutcome.NameTaken();
        }
    }

    public async Task<DeleteViewOutcome> DeleteAsync(Tenant tenant, string userId, string viewId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM customer_saved_views WHERE id = @viewId AND business_id = @businessId AND mode = @mode AND user_id = @userId",
            new { viewId, businessId = tenant.BusinessId, mode = tenant.ModeText, userId }, cancellationToken: cancellationToken));
        return deleted == 1 ? new DeleteViewOutcome.Deleted() : new DeleteViewOutcome.NotFound();
    }
}
