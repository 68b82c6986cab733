using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Cli;

public sealed class AdminCliTests(AppFixture app)
{
    [Fact]
    public async Task Create_a_business_and_a_key_then_use_and_revoke_the_key()
    {
        var business = await RunJsonAsync("businesses", "create", "--name", "CLI Co", "--json");
        var businessId = business.Str("business_id");
        Assert.StartsWith("bus_", businessId, StringComparison.Ordinal);

        var key = await RunJsonAsync("api-keys", "create", "--business", businessId, "--mode", "live", "--json");
        Assert.StartsWith("ck_live_", key.Str("api_key"), StringComparison.Ordinal);
        using var client = app.Client(key.Str("api_key"));
        await client.GetJsonAsync("/customers");

        var revoked = await RunJsonAsync("api-keys", "revoke", key.Str("key_id"), "--json");
        Assert.Equal(key.Str("key_id"), revoked.Str("key_id"));
        await client.GetJsonAsync("/customers", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Errors_are_reported_with_a_non_zero_exit()
    {
        var unknownBusiness = await ProcessRunner.ClienteleAsync("api-keys", "create", "--business", "bus_nope", "--mode", "test", "--json");
        Assert.Equal(1, unknownBusiness.ExitCode);
        Assert.Equal("BUSINESS_NOT_FOUND", JsonNode.Parse(unknownBusiness.Output)!.Str("code"));

        var badMode = await ProcessRunner.ClienteleAsync("api-keys", "create", "--business", "bus_x", "--mode", "staging");
        Assert.NotEqual(0, badMode.ExitCode);

        var unknownKey = await ProcessRunner.ClienteleAsync("api-keys", "revoke", "key_nope");
        Assert.Equal(1, unknownKey.ExitCode);
    }

    [Fact]
    public async Task Migrate_reports_an_up_to_date_database()
    {
        _ = app.Services;
        var result = await RunJsonAsync("migrate", "--json");
        Assert.Empty(result["applied"]!.AsArray());
    }

    private static async Task<JsonNode> RunJsonAsync(params string[] arguments)
    {
        var result = await ProcessRunner.ClienteleAsync(arguments);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Output} {result.Error}");
        return JsonNode.Parse(result.Output)!;
    }
}

public sealed class AdminCliArgumentTests
{
    [Theory]
    [InlineData("users", "invite", "someone@example.com")]
    [InlineData("--verbose")]
    [InlineData("serve", "--no-such-option")]
    [InlineData("migrate", "--no-such-option")]
    public async Task An_unknown_command_or_option_exits_1_with_the_usage_instead_of_serving(params string[] arguments)
    {
        // Serving would never exit on its own: the short limit turns "it started a server" into a failure.
        var result = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Clientele.dll"), .. arguments],
            new Dictionary<string, string> { ["ConnectionStrings__Clientele"] = TestSettings.ConnectionString(), ["DOTNET_NOLOGO"] = "1" },
            timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Usage:", result.Output + result.Error, StringComparison.Ordinal);
    }
}
