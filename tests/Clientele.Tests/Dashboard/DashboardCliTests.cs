using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Dashboard;

/// <summary><c>users invite|list|remove</c> from the admin CLI, against the suite's database.</summary>
public sealed class DashboardCliTests(AppFixture app)
{
    [Fact]
    public async Task Invite_prints_a_single_use_link_that_signs_in_then_list_and_remove_keep_an_owner()
    {
        var business = await app.CreateBusinessAsync("CLI Team Co");
        var owner = DashboardTestData.UniqueEmail("cliowner");
        var helper = DashboardTestData.UniqueEmail("clihelper");

        var invited = await RunJsonAsync("users", "invite", "--business", business.Id, "--email", owner.ToUpperInvariant(), "--role", "owner", "--json");
        Assert.Equal(owner, invited.Str("email"));
        Assert.Equal("owner", invited.Str("role"));
        var path = Mailbox.PathOf(invited.Str("sign_in_link"));
        Assert.StartsWith("/dashboard/link/", path, StringComparison.Ordinal);
        using (var client = new PortalClient(app.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await DashboardTestData.RedeemAsync(client, path)).Status);
            Assert.Contains("CLI Team Co", (await client.GetFollowingAsync("/dashboard")).Text, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Gone, (await client.GetAsync(path)).Status);
        }
        await Mailbox.WaitForOutboxAsync(owner, rows => rows.Count == 1, "the invitation e-mail");
        await RunJsonAsync("users", "invite", "--business", business.Id, "--email", helper, "--role", "viewer", "--json");

        var list = await RunJsonAsync("users", "list", "--business", business.Id, "--json");
        Assert.Equal([(helper, "viewer"), (owner, "owner")], list["items"]!.AsArray().Select(i => (i!.Str("email"), i!.Str("role"))).Order().ToList());

        var lastOwner = await ProcessRunner.ClienteleAsync("users", "remove", "--business", business.Id, "--email", owner, "--json");
        Assert.Equal(1, lastOwner.ExitCode);
        Assert.Equal("LAST_OWNER", JsonNode.Parse(lastOwner.Output)!.Str("code"));
        var again = await ProcessRunner.ClienteleAsync("users", "invite", "--business", business.Id, "--email", helper, "--role", "admin", "--json");
        Assert.Equal("ALREADY_MEMBER", JsonNode.Parse(again.Output)!.Str("code"));

        Assert.True((await RunJsonAsync("users", "remove", "--business", business.Id, "--email", helper, "--json"))["removed"]!.GetValue<bool>());
        Assert.Single((await RunJsonAsync("users", "list", "--business", business.Id, "--json"))["items"]!.AsArray());
        var missing = await ProcessRunner.ClienteleAsync("users", "remove", "--business", business.Id, "--email", helper, "--json");
        Assert.Equal("MEMBER_NOT_FOUND", JsonNode.Parse(missing.Output)!.Str("code"));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_non_zero_exit()
    {
        var unknownBusiness = await ProcessRunner.ClienteleAsync("users", "invite", "--business", "bus_nope", "--email", "a@example.com", "--role", "viewer", "--json");
        Assert.Equal(1, unknownBusiness.ExitCode);
        Assert.Equal("BUSINESS_NOT_FOUND", JsonNode.Parse(unknownBusiness.Output)!.Str("code"));
        var business = await app.CreateBusinessAsync("CLI Bad Co");
        var badEmail = await ProcessRunner.ClienteleAsync("users", "invite", "--business", business.Id, "--email", "not-an-address", "--role", "viewer", "--json");
        Assert.Equal("INVALID_EMAIL", JsonNode.Parse(badEmail.Output)!.Str("code"));
        Assert.NotEqual(0, (await ProcessRunner.ClienteleAsync("users", "invite", "--business", business.Id, "--email", "a@example.com", "--role", "god")).ExitCode);
    }

    private static async Task<JsonNode> RunJsonAsync(params string[] arguments)
    {
        var result = await ProcessRunner.ClienteleAsync(arguments);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Output} {result.Error}");
        return JsonNode.Parse(result.Output)!;
    }
}
