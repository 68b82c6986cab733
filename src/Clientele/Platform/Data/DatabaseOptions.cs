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
}
