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
        return checks.Result;
    }
}
