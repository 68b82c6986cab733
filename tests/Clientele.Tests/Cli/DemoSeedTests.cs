using Clientele.Features.Demo;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Cli;

/// <summary>The demo seed is global (one demo business per database), so these run one at a time.</summary>
[Collection(nameof(DemoSeedTests))]
public sealed class DemoSeedTests(AppFixture app)
{
    [Fact]
    public async Task Seeding_twice_keeps_one_demo_business_with_50_customers_and_replaces_the_key()
    {
        var seeder = app.Services.GetRequiredService<DemoSeeder>();

        var first = await seeder.SeedAsync(TestContext.Current.CancellationToken);
        var second = await seeder.SeedAsync(TestContext.Current.CancellationToken);

        Assert.Equal(first.BusinessId, second.BusinessId);
        Assert.Equal(DemoSeeder.CustomerCount, second.CustomersTotal);
        Assert.Equal(0, second.CustomersCreated);
        Assert.EndsWith($"/login/{first.BusinessId}", second.StaticLinkLive, StringComparison.Ordinal);
        Assert.NotEqual(first.StaticLinkLive, second.StaticLinkTest);

        using var oldKey = app.Client(first.TestApiKey);
        using var newKey = app.Client(second.TestApiKey);
        await oldKey.GetJsonAsync("/customers", System.Net.HttpStatusCode.Unauthorized);
        var page = await newKey.GetJsonAsync("/customers?page_size=100");
        Assert.Equal(DemoSeeder.CustomerCount, page["items"]!.AsArray().Count);

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM businesses WHERE is_demo"));

        // The demo owner, and a fresh sign-in link each run (the first one still works once: links are single-use, not replaced).
        Assert.Equal(DemoSeeder.OwnerEmail, second.DashboardOwnerEmail);
        Assert.NotEqual(first.DashboardSignInLink, second.DashboardSignInLink);
        using var browser = new PortalClient(app.BaseAddress);
        var path = Mailbox.PathOf(second.DashboardSignInLink);
        await browser.GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await browser.PostFormAsync(path)).Status);
        Assert.Contains(DemoSeeder.BusinessName, (await browser.GetFollowingAsync("/dashboard")).Text, StringComparison.Ordinal);
        Assert.Equal("owner", await connection.ExecuteScalarAsync<string>("""
            SELECT m.role FROM dashboard_memberships m JOIN dashboard_users u ON u.id = m.user_id
            WHERE u.email = @email AND m.business_id = @businessId
            """, new { email = DemoSeeder.OwnerEmail, businessId = second.BusinessId }));
    }
}
