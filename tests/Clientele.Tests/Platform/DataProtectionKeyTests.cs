using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>
/// Two server processes started together on a fresh database share one data-protection key: what one protects
/// (here a form's antiforgery token) the other reads, from the first request on. Each used to make a key of its
/// own and could not read the other's until it next reloaded the ring, a day later.
/// </summary>
public sealed class DataProtectionKeyTests
{
    [Fact]
    public async Task Two_servers_starting_together_on_a_fresh_database_make_one_key_and_read_each_other_s_forms()
    {
        await using var database = await ScratchDatabase.CreateAsync("dpkeys");
        Assert.Equal(0, await KeysAsync(database));

        await using var first = ServerProcess.Start(database.Name);
        await using var second = ServerProcess.Start(database.Name);
        using (await first.WaitForAsync("/health/ready", HttpStatusCode.OK))
        using (await second.WaitForAsync("/health/ready", HttpStatusCode.OK))
        {
        }
        Assert.Equal(1, await KeysAsync(database));

        // A form from one server posted to the other: its token is read (the empty address is refused as such, 422),
        // not refused as a forgery (400).
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await PostFormAcrossAsync(first, second));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await PostFormAcrossAsync(second, first));
        Assert.Equal(1, await KeysAsync(database));

        // The check can fail: a token that cannot be unprotected is refused as a forgery.
        Assert.Equal(HttpStatusCode.BadRequest, await PostFormAcrossAsync(first, second, token => token[..^8] + "AAAAAAAA"));
    }

    [Fact]
    public async Task Migrate_makes_the_first_key_once()
    {
        await using var database = await ScratchDatabase.CreateAsync("dpmig");
        var settings = new Dictionary<string, string> { ["ConnectionStrings__Clientele"] = TestSettings.ConnectionString(database.Name), ["DOTNET_NOLOGO"] = "1" };
        var dll = Path.Combine(AppContext.BaseDirectory, "Clientele.dll");

        var runs = await Task.WhenAll(ProcessRunner.RunAsync("dotnet", [dll, "migrate"], settings), ProcessRunner.RunAsync("dotnet", [dll, "migrate"], settings));

        Assert.All(runs, run => Assert.Equal(0, run.ExitCode));
        Assert.Equal(1, await KeysAsync(database));
    }

    private static async Task<int> KeysAsync(ScratchDatabase database)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM data_protection_keys");
    }

    private static async Task<HttpStatusCode> PostFormAcrossAsync(ServerProcess from, ServerProcess to, Func<string, string>? alterToken = null)
    {
        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler);
        using var page = await client.GetAsync(new Uri(from.Client.BaseAddress!, "/dashboard/login"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = PortalClient.AntiforgeryToken(await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            ?? throw new InvalidOperationException("The sign-in page had no form token.");
        var cookies = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(cookie => cookie.Split(';')[0]));

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(to.Client.BaseAddress!, "/dashboard/login"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "", ["__RequestVerificationToken"] = alterToken?.Invoke(token) ?? token }),
        };
        post.Headers.Add("Cookie", cookies);
        using var answer = await client.SendAsync(post, TestContext.Current.CancellationToken);
        return answer.StatusCode;
    }
}
