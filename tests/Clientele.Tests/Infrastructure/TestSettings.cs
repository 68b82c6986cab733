using Npgsql;

namespace Clientele.Tests.Infrastructure;

/// <summary>Where the suite's PostgreSQL is: the database test.sh recreated for this run.</summary>
public static class TestSettings
{
    public static string DatabaseName => Environment.GetEnvironmentVariable("CLIENTELE_TEST_DB") is { Length: > 0 } name ? name : "clientele_test";

    public static string ConnectionString(string? database = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = int.TryParse(Environment.GetEnvironmentVariable("CLIENTELE_PG_PORT"), out var port) ? port : 5432,
        Username = "clientele",
        Password = "clientele",
        Database = database ?? DatabaseName,
        MaxPoolSize = 50,
    }.ConnectionString;

    /// <summary>The repository root (the folder with Clientele.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Clientele.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (Clientele.slnx) above " + AppContext.BaseDirectory);
    }
}
