using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Sdk;

/// <summary>
/// Runs each tests/sdk/*.test.mjs (the official dodopayments npm SDK, under node:test) against
/// this suite's real server on loopback, with a fresh business and its keys.
/// </summary>
public sealed class SdkCompatibilityTests(AppFixture app)
{
    private static string SdkFolder => Path.Combine(TestSettings.RepositoryRoot, "tests", "sdk");

    public static TheoryData<string> Scripts => [.. Directory.GetFiles(SdkFolder, "*.test.mjs").Select(path => Path.GetFileName(path)!).Order()];

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Official_sdk_passes_against_the_server(string script)
    {
        Assert.True(Directory.Exists(Path.Combine(SdkFolder, "node_modules", "dodopayments")), "Run `npm ci` in tests/sdk first (scripts/test.sh does).");
        var business = await app.CreateBusinessAsync("SDK Co");
        var other = await app.CreateBusinessAsync("Other Co");

        var result = await ProcessRunner.RunAsync("node", ["--test", "--test-reporter=spec", script], new Dictionary<string, string>
        {
            ["CLIENTELE_BASE_URL"] = app.BaseAddress.ToString().TrimEnd('/'),
            ["CLIENTELE_API_KEY"] = business.TestKey.Secret,
            ["CLIENTELE_LIVE_API_KEY"] = business.LiveKey.Secret,
            ["CLIENTELE_OTHER_API_KEY"] = other.TestKey.Secret,
        }, SdkFolder, TimeSpan.FromMinutes(3));

        TestContext.Current.TestOutputHelper?.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, $"{script} failed:\n{result.Output}\n{result.Error}");
        Assert.Matches(@"pass [1-9]", result.Output);
        Assert.Contains("fail 0", result.Output, StringComparison.Ordinal);
    }
}
