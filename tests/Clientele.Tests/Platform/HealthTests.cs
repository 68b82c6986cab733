using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Platform;

public sealed class HealthTests(AppFixture app)
{
    [Fact]
    public async Task Live_and_ready_answer_ok_on_a_migrated_server()
    {
        using var client = app.CreateAnonymousClient();
        Assert.Equal("ok", (await client.GetJsonAsync("/health/live")).Str("status"));
        var ready = await client.GetJsonAsync("/health/ready");
        Assert.Equal(("ok", "ok", "applied"), (ready.Str("status"), ready.Str("database"), ready.Str("migrations")));
        Assert.Equal("ok", (await client.GetJsonAsync("/health")).Str("database"));
    }

    [Fact]
    public async Task A_server_on_an_unmigrated_database_is_live_but_not_ready_until_migrated_and_stops_cleanly_on_sigterm()
    {
        var database = $"clientele_health_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await admin.ExecuteAsync($"CREATE DATABASE {database}");
        }
        try
        {
            await using var server = ServerProcess.Start(database, new Dictionary<string, string> { ["Hosting__ShutdownTimeout"] = "00:00:10" });
            using (await server.WaitForAsync("/health/live", HttpStatusCode.OK))
            {
            }
            var notReady = await Json.ReadAsync(await server.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken), HttpStatusCode.ServiceUnavailable);
            Assert.Equal(("ok", "pending"), (notReady.Str("database"), notReady.Str("migrations")));

            var migrate = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Clientele.dll"), "migrate"],
                new Dictionary<string, string> { ["ConnectionStrings__Clientele"] = TestSettings.ConnectionString(database), ["DOTNET_NOLOGO"] = "1" });
            Assert.Equal(0, migrate.ExitCode);
            using (await server.WaitForAsync("/health/ready", HttpStatusCode.OK))
            {
            }

            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("Application is shutting down", server.Output, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ScratchDatabase.DropAsync(database);
        }
    }
}
