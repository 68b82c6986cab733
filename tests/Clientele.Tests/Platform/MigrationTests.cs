using Clientele.Platform.Data;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Clientele.Tests.Platform;

public sealed class MigrationTests
{
    [Fact]
    public async Task Servers_migrating_a_fresh_database_together_apply_each_migration_once()
    {
        var database = $"clientele_mig_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await admin.ExecuteAsync($"CREATE DATABASE {database}");
        }
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(TestSettings.ConnectionString(database));
            var migrators = Enumerable.Range(0, 4).Select(_ => new Migrator(dataSource, NullLogger<Migrator>.Instance)).ToList();

            var applied = await Task.WhenAll(migrators.Select(m => Task.Run(() => m.MigrateAsync(TestContext.Current.CancellationToken))));

            var expected = Migrator.Embedded.Select(m => m.Version).ToList();
            Assert.Equal(expected, applied.SelectMany(a => a).Order().ToList());
            await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            var recorded = (await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
            Assert.Equal(expected, recorded);

            // A later start finds nothing to do.
            Assert.Empty(await migrators[0].MigrateAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ScratchDatabase.DropAsync(database);
        }
    }

    [Fact]
    public void Migrations_start_at_one_and_are_numbered_in_order()
    {
        // Numbers are reserved per feature branch (e.g. 0004 for payments), so a branch may
        // carry a gap until the branches before it land; duplicates and disorder are still errors.
        var versions = Migrator.Embedded.Select(m => m.Version).ToList();
        Assert.Equal(1, versions[0]);
        Assert.Equal(versions.Order().Distinct(), versions);
    }
}
