using System.Net;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>A server whose pool is one connection (Database:MaxPoolSize) that waits three seconds for it (Database:ConnectionWait).</summary>
public sealed class OneConnectionFixture : AppFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var connection = new NpgsqlConnectionStringBuilder(TestSettings.ConnectionString());
        connection.Remove("Maximum Pool Size");
        builder.UseSetting("ConnectionStrings:Clientele", connection.ConnectionString);
        builder.UseSetting("Database:MaxPoolSize", "1");
        // Long enough that the workers' first passes at start-up (which share the one connection) do
        // not starve the test's own requests on a loaded machine; the held connection below still times out.
        builder.UseSetting("Database:ConnectionWait", "00:00:03");
        builder.UseSetting("Email:PollInterval", "00:01:00");
    }
}

public sealed class SaturationTests(OneConnectionFixture app) : IClassFixture<OneConnectionFixture>
{
    [Fact]
    public async Task When_no_connection_comes_free_in_time_the_answer_is_503_with_retry_after()
    {
        var business = await app.CreateBusinessAsync();
        await business.Test.GetJsonAsync("/customers");

        // Hold the server's only pooled connection, as a burst of requests would.
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        HttpResponseMessage busy;
        await using (var held = await dataSource.OpenConnectionAsync())
        {
            busy = await business.Test.GetAsync("/customers");
        }
        using (busy)
        {
            var text = await busy.Content.ReadAsStringAsync();
            Assert.True(busy.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)busy.StatusCode} {text}");
            Assert.Equal(TimeSpan.FromSeconds(2), busy.Headers.RetryAfter?.Delta);
            Assert.Contains("SERVICE_UNAVAILABLE", text, StringComparison.Ordinal);
        }
        // Once it is free again, requests succeed.
        await business.Test.GetJsonAsync("/customers");
    }
}
