using System.Text;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Customers;

public sealed record CustomerFilter(string? Email, string? Name, DateTime? CreatedAtGte, DateTime? CreatedAtLte);

public abstract record UpdateOutcome
{
    public sealed record Updated(Customer Customer) : UpdateOutcome;

    public sealed record NotFound : UpdateOutcome;

    public sealed record EmailTaken : UpdateOutcome;
}

/// <summary>Customer rows, always scoped to one tenant (business and mode).</summary>
public sealed class CustomerStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>
    /// Creates the customer, or returns the existing one with the same e-mail (case-insensitive)
    /// unchanged, so "create on sign-up" integrations never make duplicates, even when racing.
    /// </summary>
    public async Task<(Customer Customer, bool Created)> CreateOrGetAsync(Tenant tenant, NewCustomer input, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var created = await connection.QuerySingleOrDefaultAsync<Customer>(new CommandDefinition($"""
            INSERT INTO customers (id, business_id, mode, name, email, phone_number, metadata, created_at, updated_at)
            VALUES (@id, @businessId, @mode, @name, @email, @phone, @metadata::jsonb, @now, @now)
            ON CONFLICT (business_id, mode, lower(email)) DO NOTHING
            RETURNING {Customer.Columns}
            """,
            new
            {
                id = Ids.New(Ids.Customer),
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                name = input.Name,
                email = input.Email,
                phone = input.PhoneNumber,
                metadata = input.MetadataJson,
                now,
            },
            cancellationToken: cancellationToken));
        if (created is not null)
        {
            return (created, true);
        }
        var existing = await FindByEmailAsync(connection, tenant, input.Email, cancellationToken);
        return (existing ?? throw new InvalidOperationException("A conflicting customer vanished."), false);
    }

    public async Task<Customer?> FindAsync(Tenant tenant, string customerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Customer>(new CommandDefinition(
            $"SELECT {Customer.Columns} FROM customers WHERE id = @customerId AND business_id = @businessId AND mode = @mode",
            new { customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Customer>> ListAsync(Tenant tenant, CustomerFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {Customer.Columns} FROM customers WHERE business_id = @businessId AND mode = @mode");
        if (filter.Email is not null)
        {
            sql.Append(" AND lower(email) = lower(@email)");
        }
        if (filter.Name is not null)
        {
            sql.Append(@" AND lower(name) LIKE @namePattern ESCAPE '\'");
        }
        if (filter.CreatedAtGte is not null)
        {
            sql.Append(" AND created_at >= @gte");
        }
        if (filter.CreatedAtLte is not null)
        {
            sql.Append(" AND created_at <= @lte");
        }
        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset");

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Customer>(new CommandDefinition(sql.ToString(), new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            email = filter.Email,
            namePattern = filter.Name is null ? null : "%" + EscapeLike(filter.Name.ToLowerInvariant()) + "%",
            gte = filter.CreatedAtGte,
            lte = filter.CreatedAtLte,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<UpdateOutcome> UpdateAsync(Tenant tenant, string customerId, CustomerChanges changes, CancellationToken cancellationToken)
    {
        if (changes.IsEmpty)
        {
            return await FindAsync(tenant, customerId, cancellationToken) is { } unchanged
                ? new UpdateOutcome.Updated(unchanged)
                : new UpdateOutcome.NotFound();
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var updated = await connection.QuerySingleOrDefaultAsync<Customer>(new CommandDefinition($"""
                UPDATE customers SET
                    name = coalesce(@name, name),
                    email = coalesce(@email, email),
                    phone_number = CASE WHEN @setPhone THEN @phone ELSE phone_number END,
                    metadata = coalesce(@metadata::jsonb, metadata),
                    updated_at = @now
                WHERE id = @customerId AND business_id = @businessId AND mode = @mode
                RETURNING {Customer.Columns}
                """,
                new
                {
                    customerId,
                    businessId = tenant.BusinessId,
                    mode = tenant.ModeText,
                    name = changes.Name,
                    email = changes.Email,
                    setPhone = changes.PhoneNumber.IsSet,
                    phone = changes.PhoneNumber.Value,
                    metadata = changes.MetadataJson,
                    now = clock.GetUtcNow().UtcDateTime,
                },
                cancellationToken: cancellationToken));
            return updated is null ? new UpdateOutcome.NotFound() : new UpdateOutcome.Updated(updated);
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "customers_email_unique" })
        {
            return new UpdateOutcome.EmailTaken();
        }
    }

    private static Task<Customer?> FindByEmailAsync(NpgsqlConnection connection, Tenant tenant, string email, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Customer>(new CommandDefinition(
            $"SELECT {Customer.Columns} FROM customers WHERE business_id = @businessId AND mode = @mode AND lower(email) = lower(@email)",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, email }, cancellationToken: cancellationToken));

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
