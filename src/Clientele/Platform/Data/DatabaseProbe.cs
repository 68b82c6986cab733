using Dapper;
using Npgsql;

namespace Clientele.Platform.Data;

/// <summary>What the health endpoints ask the database: does it answer, and is every migration this build knows applied.</summary>
public static class DatabaseProbe
{
    public static async Task PingAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
    }

    public static async Task<bool> MigrationsAppliedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var versions = Migrator.Embedded.Select(m => m.Version).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A database nobody has migrated yet has no schema_migrations table at all.
        var hasTable = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cancellationToken));
        var applied = hasTable
            ? await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT count(*)::int FROM schema_migrations WHERE version = ANY(@versions)", new { versions }, cancellationToken: cancellationToken))
            : 0;
        return applied == versions.Length;
    }
}
