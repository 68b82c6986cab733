using Clientele.Platform.Data;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>How the product's data source speaks to PostgreSQL (Platform/Data/DataServices).</summary>
public sealed class DatabaseConnectionTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.1:5433", true)]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]:5433", true)]
    [InlineData("/var/run/postgresql", true)]
    [InlineData("127.0.0.1,localhost", true)]
    [InlineData("127.0.0.1,db.example.com", false)]
    [InlineData("db.example.com", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_hosts_on_this_machine_are_loopback(string? hosts, bool loopback) =>
        Assert.Equal(loopback, DataServices.IsLoopback(hosts));

    [Fact]
    public async Task The_product_speaks_to_a_local_PostgreSQL_without_TLS()
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(TestContext.Current.CancellationToken);
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }

    [Fact]
    public async Task An_SSL_Mode_in_the_connection_string_wins()
    {
        // Debian's PostgreSQL has ssl on (provision.sh); a server without it cannot take this test's Require.
        await using var probe = new NpgsqlConnection(TestSettings.ConnectionString() + ";SSL Mode=Disable");
        await probe.OpenAsync(TestContext.Current.CancellationToken);
        Assert.SkipUnless(await probe.ExecuteScalarAsync<string>("SHOW ssl") == "on", "This PostgreSQL does not accept TLS.");

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Clientele"] = TestSettings.ConnectionString() + ";SSL Mode=Require;Trust Server Certificate=true";
        builder.AddClienteleData();
        using var host = builder.Build();
        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(TestContext.Current.CancellationToken);
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }
}
