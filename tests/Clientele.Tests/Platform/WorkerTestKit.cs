using System.Diagnostics.Metrics;
using Clientele.Platform.Jobs;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>Pieces for running a real worker outside the test server.</summary>
public static class WorkerTestKit
{
    /// <summary>A <see cref="WorkerStatus"/> with its own meter factory (disposed with it).</summary>
    public static OwnedStatus Status(TimeProvider clock)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new OwnedStatus(new WorkerStatus(clock, NullLogger<PollingWorker>.Instance, services.GetRequiredService<IMeterFactory>()), services);
    }

    public sealed class OwnedStatus(WorkerStatus status, ServiceProvider services) : IDisposable
    {
        public WorkerStatus Status => status;

        public void Dispose()
        {
            status.Dispose();
            services.Dispose();
        }
    }
}

/// <summary>A migrated database of the test's own, so only the test's worker sees its rows; dropped on dispose.</summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private ScratchDatabase(string name, NpgsqlDataSource dataSource)
    {
        Name = name;
        DataSource = dataSource;
    }

    public string Name { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<ScratchDatabase> CreateAsync(string prefix)
    {
        var name = $"clientele_{prefix}_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await admin.ExecuteAsync($"CREATE DATABASE {name}");
        }
        var dataSource = NpgsqlDataSource.Create(TestSettings.ConnectionString(name));
        await new Clientele.Platform.Data.Migrator(dataSource, NullLogger<Clientele.Platform.Data.Migrator>.Instance).MigrateAsync(CancellationToken.None);
        return new ScratchDatabase(name, dataSource);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await DropAsync(Name);
    }

    /// <summary>
    /// Drops a test's own database. An autovacuum worker analysing the fresh tables belongs to another role,
    /// which FORCE may not terminate (42501): it finishes in moments, so this tries again.
    /// </summary>
    public static async Task DropAsync(string name)
    {
        await using var admin = new NpgsqlConnection(TestSettings.ConnectionString());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 40)
            {
                await Task.Delay(250);
            }
        }
    }
}
