using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Wallets;

/// <summary>
/// Reading wallets and their ledger, always scoped to one tenant. The API and (later) the customer
/// portal's read-only wallets page both use these.
/// </summary>
public sealed class WalletStore(NpgsqlDataSource dataSource, IOptionsMonitor<WalletOptions> options, ILogger<WalletStore> logger)
{
    /// <summary>
    /// Every wallet of the customer: real rows, plus a zero wallet for each default currency of the
    /// business that has not been used yet (dated from the customer's creation, as a real one will
    /// be). Null when the customer is not the tenant's.
    /// </summary>
    public async Task<CustomerWallets?> ListWalletsAsync(Tenant tenant, string customerId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ListWalletsAsync(connection, tenant, customerId, cancellationToken);
    }

    /// <summary>As <see cref="ListWalletsAsync(Tenant, string, CancellationToken)"/>, on a connection the caller holds (a page's request connection).</summary>
    public async Task<CustomerWallets?> ListWalletsAsync(NpgsqlConnection connection, Tenant tenant, string customerId, CancellationToken cancellationToken)
    {
        var wallets = (await connection.QueryAsync<Wallet>(new CommandDefinition("""
            SELECT c.id AS customer_id, cur.currency, coalesce(w.balance, 0) AS balance,
                   coalesce(w.created_at, c.created_at) AS created_at, coalesce(w.updated_at, c.created_at) AS updated_at
            FROM customers c
            JOIN businesses b ON b.id = c.business_id
            CROSS JOIN LATERAL (
                SELECT unnest(b.default_currencies)
                UNION
                SELECT currency FROM wallets WHERE business_id = c.business_id AND mode = c.mode AND customer_id = c.id
            ) AS cur (currency)
            LEFT JOIN wallets w ON w.business_id = c.business_id AND w.mode = c.mode AND w.customer_id = c.id AND w.currency = cur.currency
            WHERE c.id = @customerId AND c.business_id = @businessId AND c.mode = @mode
            ORDER BY cur.currency
            """, Scope(tenant, customerId), cancellationToken: cancellationToken))).AsList();
        if (wallets.Count == 0 && !await CustomerExistsAsync(connection, null, tenant, customerId, cancellationToken))
        {
            return null;
        }
        return new CustomerWallets(wallets, TotalUsd(wallets));
    }

    /// <summary>Ledger entries newest first (in the order they were applied), optionally of one currency. Null when the customer is not the tenant's.</summary>
    public async Task<IReadOnlyList<LedgerEntry>?> ListEntriesAsync(Tenant tenant, string customerId, Currency? currency, Paging paging, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ListEntriesAsync(connection, tenant, customerId, currency, paging.Size, paging.Offset, cancellationToken);
    }

    /// <summary>
    /// One page of entries and whether an older page exists, in one query (a page plus one row), on a
    /// connection the caller holds. Null when the customer is not the tenant's.
    /// </summary>
    public async Task<(IReadOnlyList<LedgerEntry> Entries, bool HasOlder)?> ListEntryPageAsync(NpgsqlConnection connection, Tenant tenant, string customerId, Currency? currency, Paging paging, CancellationToken cancellationToken)
    {
        if (await ListEntriesAsync(connection, tenant, customerId, currency, paging.Size + 1, paging.Offset, cancellationToken) is not { } rows)
        {
            return null;
        }
        return rows.Count > paging.Size ? ([.. rows.Take(paging.Size)], true) : (rows, false);
    }

    private static async Task<IReadOnlyList<LedgerEntry>?> ListEntriesAsync(NpgsqlConnection connection, Tenant tenant, string customerId, Currency? currency, int limit, long offset, CancellationToken cancellationToken)
    {
        var entries = (await connection.QueryAsync<LedgerEntry>(new CommandDefinition($"""
            SELECT {LedgerEntry.Columns} FROM wallet_ledger_entries
            WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId
              AND (@currency::text IS NULL OR currency = @currency)
            ORDER BY seq DESC
            LIMIT @limit OFFSET @offset
            """,
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId, currency = currency?.Code, limit, offset },
            cancellationToken: cancellationToken))).AsList();
        if (entries.Count == 0 && !await CustomerExistsAsync(connection, null, tenant, customerId, cancellationToken))
        {
            return null;
        }
        return entries;
    }

    public static Task<bool> CustomerExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, string customerId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM customers WHERE id = @customerId AND business_id = @businessId AND mode = @mode)",
            Scope(tenant, customerId), transaction, cancellationToken: cancellationToken));

    private long TotalUsd(IReadOnlyList<Wallet> wallets)
    {
        var unrated = new List<string>();
        var balances = new List<(Currency, long)>();
        foreach (var wallet in wallets)
        {
            // A default currency is data a later settings page could get wrong; count it out, don't fail the read.
            if (Currency.TryFind(wallet.Currency, out var currency))
            {
                balances.Add((currency, wallet.Balance));
            }
            else
            {
                unrated.Add(wallet.Currency);
            }
        }
        var total = UsdTotal.Compute(balances, options.CurrentValue.UsdRates, unrated);
        if (unrated.Count > 0)
        {
            logger.LogWarning("total_balance_usd leaves out {Currencies}: no rate under Wallets:UsdRates", string.Join(", ", unrated));
        }
        return total;
    }

    private static object Scope(Tenant tenant, string customerId) => new { customerId, businessId = tenant.BusinessId, mode = tenant.ModeText };
}
