using Clientele.Platform.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Platform.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Npgsql connection string; <c>ConnectionStrings:Clientele</c> is used when this is empty.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations when the server starts (the run script turns this on).</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>
    /// Connections this process may hold (its pool). PostgreSQL's <c>max_connections</c> (100 by default,
    /// a few reserved) must cover N server processes × this + the admin CLI: with the default 30, three nodes
    /// fit. A <c>Maximum Pool Size</c> in the connection string wins.
    /// </summary>
    public int MaxPoolSize { get; set; } = 30;

    /// <summary>
    /// How many of the pool's connections background workers (renewals, webhook deliveries, e-mail,
    /// reports, maintenance) may hold at once; requests always keep the rest, so busy workers slow
    /// themselves down rather than starve requests. Clamped to one less than the pool.
    /// </summary>
    public int WorkerConnections { get; set; } = 10;

    /// <summary>
    /// How long a request waits for a connection when the pool is busy before it is answered 503 with
    /// <c>Retry-After</c>. A <c>Timeout</c> in the connection string wins.
    /// </summary>
    public TimeSpan ConnectionWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many statements each pooled connection keeps prepared on the server (Npgsql's automatic
    /// preparation: a statement sent 5 times on a connection is prepared there and then skips parsing and
    /// planning). The portal's overview spent more time planning its six statements than running them; with
    /// this on it serves about twice as many views (bench/README.md). 0 turns it off. A
    /// <c>Max Auto Prepare</c> in the connection string wins.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = 200;
}

/// <summary>Refuses to start without a usable connection string (and never repeats it: it may hold a password).</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var checks = new SettingChecks(DatabaseOptions.Section);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return checks.Fail(nameof(options.ConnectionString), "(or ConnectionStrings:Clientele) must be set").Result;
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            checks.Fail(nameof(options.ConnectionString), $"is not a valid Npgsql connection string ({ex.GetType().Name})");
        }
        return checks.InRange(nameof(options.MaxPoolSize), options.MaxPoolSize, 1, 1000)
            .InRange(nameof(options.WorkerConnections), options.WorkerConnections, 1, 1000)
            .InRange(nameof(options.MaxAutoPrepare), options.MaxAutoPrepare, 0, 10000)
            .Positive(nameof(options.ConnectionWait), options.ConnectionWait)
            .Result;
    }
}
