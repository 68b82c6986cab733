using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Dashboard.Customers;

/// <summary>Customers with chosen names and creation times, written straight into the test's own business (the list only reads them).</summary>
internal static class CustomerSeed
{
    public static async Task<string> AddAsync(string businessId, string name, string? email = null, DateTime? createdAt = null, Mode mode = Mode.Test, string? phone = null)
    {
        var id = Ids.New(Ids.Customer);
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        await connection.ExecuteAsync("""
            INSERT INTO customers (id, business_id, mode, name, email, phone_number, created_at, updated_at)
            VALUES (@id, @businessId, @mode, @name, @email, @phone, @createdAt, @createdAt)
            """, new { id, businessId, mode = mode.ToDb(), name, email = email ?? $"{Guid.NewGuid():N}@example.com", phone, createdAt = createdAt ?? DateTime.UtcNow });
        return id;
    }

    /// <summary><paramref name="count"/> customers named "Bulk n", one second apart, set-based.</summary>
    public static async Task AddManyAsync(string businessId, int count)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        await connection.ExecuteAsync("""
            INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
            SELECT 'cus_' || md5(@businessId || g), @businessId, 'test', 'Bulk ' || g, 'bulk' || g || '-' || md5(@businessId) || '@example.com',
                   now() - g * interval '1 second', now()
            FROM generate_series(1, @count) g
            """, new { businessId, count });
    }

    public static async Task ExecuteAsync(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>A small RFC 4180 reader for asserting on reports (quoted fields, doubled quotes, CRLF inside quotes).</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }
        Assert.True(row.Count == 0 && field.Length == 0, "the CSV must end with CRLF");
        return rows;
    }
}
