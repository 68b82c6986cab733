using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>Every table that holds a tenant's data must carry business_id and mode, so every query can filter by both.</summary>
public sealed class TenantColumnsTests(AppFixture app)
{
    /// <summary>Tables that are not per tenant, each with the reason.</summary>
    private static readonly Dictionary<string, string> Global = new()
    {
        ["schema_migrations"] = "migration bookkeeping",
        ["businesses"] = "the tenants themselves",
        ["data_protection_keys"] = "the key ring every server process shares (antiforgery, e-mail bodies)",
        ["rate_limit_counters"] = "counters for public endpoints; each key names its own scope (e-mail, IP, business)",
        ["unified_links"] = "the unified portal is keyed by an e-mail address across businesses by design",
        ["unified_sessions"] = "the unified portal is keyed by an e-mail address across businesses by design",
        ["dashboard_users"] = "a dashboard user is a person, who may belong to several businesses",
        ["dashboard_memberships"] = "a membership spans both modes of its business (business_id, no mode)",
        ["dashboard_links"] = "a sign-in link signs a person in, not into one business or mode",
        ["dashboard_recovery_codes"] = "a person's own two-factor recovery codes",
        ["business_logos"] = "a business's brand (its logo) is the same in test and live, like the name on businesses",
    };

    [Fact]
    public async Task Every_tenant_table_has_business_id_and_mode()
    {
        _ = app.Services; // the fixture has migrated the database
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var columns = (await connection.QueryAsync<(string Table, string Column)>("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
            """)).ToLookup(c => c.Table, c => c.Column);

        var missing = columns
            .Where(table => !Global.ContainsKey(table.Key))
            .Where(table => !table.Contains("business_id") || !table.Contains("mode"))
            .Select(table => table.Key)
            .ToList();

        Assert.NotEmpty(columns);
        Assert.True(missing.Count == 0, $"Tables without business_id and mode: {string.Join(", ", missing)}");
    }
}
