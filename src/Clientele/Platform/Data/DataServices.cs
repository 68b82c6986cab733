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
            if (!given.ContainsKey("SSL Mode") && !given.ContainsKey("SslMode") && IsLoopback(dataSource.ConnectionStringBuilder.Host))
            {
                // Npgsql's default (Prefer) would speak TLS to a PostgreSQL on this machine (Debian turns ssl on), and
                // both sides would encrypt every round trip for nothing: only root can read loopback traffic, and root
                // can read the database's files. Any other host keeps Npgsql's default; an SSL Mode given here wins.
                dataSource.ConnectionStringBuilder.SslMode = SslMode.Disable;
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

    /// <summary>True when every host the connection string names is this machine (127.0.0.0/8, ::1, localhost, or a Unix socket directory).</summary>
    public static bool IsLoopback(string? hosts) =>
        !string.IsNullOrWhiteSpace(hosts) && hosts.Split(',').All(entry =>
        {
            var host = entry.Trim();
            // A host may carry its port ("127.0.0.1:5433", "[::1]:5433").
            if (host.StartsWith('['))
            {
                host = host[1..Math.Max(1, host.IndexOf(']'))];
            }
            else if (host.Count(c => c == ':') == 1)
            {
                host = host[..host.IndexOf(':')];
            }
            return host.StartsWith('/') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
        });
}
