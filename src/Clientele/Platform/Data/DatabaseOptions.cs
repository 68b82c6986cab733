using System.ComponentModel.DataAnnotations;

namespace Clientele.Platform.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Npgsql connection string; <c>ConnectionStrings:Clientele</c> is used when this is empty.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations when the server starts (the run script turns this on).</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>
    /// Connections this process may hold (its pool). PostgreSQL's <c>max_connections</c> (100 by default,
    /// a few reserved) must cover N server processes × this + the admin CLI: with the default 30, three nodes
    /// fit. A <c>Maximum Pool Size</c> in the connection string wins.
    /// </summary>
    [Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 30;

    /// <summary>
    /// How long a request waits for a connection when the pool is busy before it is answered 503 with
    /// <c>Retry-After</c>. A <c>Timeout</c> in the connection string wins.
    /// </summary>
    public TimeSpan ConnectionWait { get; set; } = TimeSpan.FromSeconds(15);
}
