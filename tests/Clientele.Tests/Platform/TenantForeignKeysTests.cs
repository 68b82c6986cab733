using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>
/// Tenant isolation as a database invariant: a foreign key between two tenant tables carries
/// business_id and mode on both sides, so no row can point at another business's or mode's row.
/// </summary>
public sealed class TenantForeignKeysTests(AppFixture app)
{
    [Fact]
    public async Task Every_foreign_key_between_tenant_tables_includes_business_id_and_mode()
    {
        _ = app.Services; // the fixture has migrated the database
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        // Each column pair of each foreign key whose two tables both carry business_id and mode.
        var pairs = (await connection.QueryAsync<(string Constraint, string Table, string Column, string ReferencedColumn)>("""
            WITH tenant_tables AS (
                SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r'
                  AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname IN ('business_id', 'mode') AND NOT a.attisdropped) = 2)
            SELECT con.conname, con.conrelid::regclass::text, a.attname, fa.attname
            FROM pg_constraint con
            CROSS JOIN LATERAL unnest(con.conkey, con.confkey) AS k(attnum, fattnum)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
            JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fattnum
            WHERE con.contype = 'f' AND con.conrelid IN (SELECT oid FROM tenant_tables) AND con.confrelid IN (SELECT oid FROM tenant_tables)
            """)).ToList();

        var foreignKeys = pairs.GroupBy(p => (p.Table, p.Constraint)).ToList();
        var leaky = foreignKeys
            .Where(fk => !fk.Any(p => p is { Column: "business_id", ReferencedColumn: "business_id" }) || !fk.Any(p => p is { Column: "mode", ReferencedColumn: "mode" }))
            .Select(fk => $"{fk.Key.Table}.{fk.Key.Constraint} ({string.Join(", ", fk.Select(p => p.Column))})")
            .ToList();

        Assert.True(foreignKeys.Count > 30, $"expected the schema's tenant foreign keys, found {foreignKeys.Count}");
        Assert.True(leaky.Count == 0, $"Foreign keys between tenant tables without (business_id, mode): {string.Join("; ", leaky)}");
    }
}
