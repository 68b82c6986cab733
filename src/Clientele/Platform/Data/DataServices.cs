using Clientele.Platform.Hosting;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Platform.Data;

public static class DataServices
{
    public static IHostApplicationBuilder AddClienteleData(this IHostApplicationBuilder builder)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        builder.Services.AddValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.Section)
            .PostConfigure<IConfiguration>((options, config) =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = config.GetConnectionString("Clientele") ?? "";
                }
            });

        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString);
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
            if (!given.ContainsKey("Maximum Pool Size") && !given.ContainsKey("MaxPoolSize") && !given.ContainsKey("Max Pool Size"))
            {
                dataSource.ConnectionStringBuilder.MaxPoolSize = options.MaxPoolSize;
            }
            if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
            {
                // Npgsql otherwise sends DISCARD ALL with the first command after every borrow. Nothing here
                // leaves session state on a connection (no SET, LISTEN or temp tables; SET LOCAL ends with its
                // transaction; the migrator unlocks its advisory lock in a finally), and an open transaction is
                // still rolled back when a connection goes back to the pool. The statements Npgsql prepares
                // itself (below) are meant to outlive the borrow.
                dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            }
            if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
            {
                // A schema change that alters a prepared statement's result columns fails that statement once
                // on each connection (PostgreSQL's "cached plan must not change result type"); Npgsql then
                // forgets it and prepares it again. Every statement here names its columns, and migrations add
                // rather than change, so a rolling upgrade does not meet it.
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = options.MaxAutoPrepare;
            }
            if (!given.ContainsKey("Timeout"))
            {
                dataSource.ConnectionStringBuilder.Timeout = Math.Max(1, (int)options.ConnectionWait.TotalSeconds);
            }
            dataSource.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return dataSource.Build();
        });
        builder.Services.AddSingleton(sp =>
        {
            // The workers' share of the pool actually built (a Maximum Pool Size in the connection string wins).
            var pool = new NpgsqlConnectionStringBuilder(sp.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize;
            var wanted = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.WorkerConnections;
            return new Jobs.WorkerConnections(Math.Clamp(wanted, 1, Math.Max(1, pool - 1)));
        });
        builder.Services.AddScoped<RequestConnection>();
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddHostedService<MigrateOnStartup>();
        return builder;
    }
}
