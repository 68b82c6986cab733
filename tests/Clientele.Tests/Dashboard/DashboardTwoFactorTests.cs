using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Dashboard;

/// <summary>TOTP two-factor over HTTP: enrolment, sign-in with a code, recovery codes once each.</summary>
public sealed class DashboardTwoFactorTests(AppFixture app)
{
    [Fact]
    public async Task Enrol_then_sign_in_with_a_code_and_each_recovery_code_works_once()
    {
        var business = await app.CreateBusinessAsync("Two Factor Co");
        var (client, email, userId) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);
        using var _client = client;

        Assert.Contains("Set up two-factor", (await client.GetAsync("/dashboard/security")).Text, StringComparison.Ordinal);
        var enrol = await client.PostFormAsync("/dashboard/security?handler=Begin");
        var secret = DashboardTestData.InputValue(enrol.Html, "totp-secret");
        Assert.Equal(32, secret.Length);
        Assert.StartsWith($"otpauth://totp/Clientele%3A{Uri.EscapeDataString(email)}?secret={secret}&issuer=Clientele", DashboardTestData.InputValue(enrol.Html, "totp-uri"), StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", enrol.Html, StringComparison.Ordinal);

        var wrong = await client.PostFormAsync("/dashboard/security?handler=Confirm", new Dictionary<string, string> { ["code"] = "000000" == DashboardTestData.TotpCode(secret, DateTimeOffset.UtcNow) ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Equal(secret, DashboardTestData.InputValue(wrong.Html, "totp-secret"));

        var confirmed = await client.PostFormAsync("/dashboard/security?handler=Confirm", new Dictionary<string, string> { ["code"] = DashboardTestData.TotpCode(secret, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        var codes = DashboardTestData.RecoveryCodesIn(confirmed.Html);
        Assert.Equal(10, codes.Count);
        var security = await client.GetAsync("/dashboard/security");
        Assert.Contains("Recovery codes left: 10", security.Text, StringComparison.Ordinal);
        Assert.Empty(DashboardTestData.RecoveryCodesIn(security.Html));

        // Stored encrypted, and only hashes of the codes.
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            var stored = await connection.QuerySingleAsync<byte[]>("SELECT totp_secret FROM dashboard_users WHERE id = @userId", new { userId });
            Assert.DoesNotContain(secret, System.Text.Encoding.ASCII.GetString(stored), StringComparison.OrdinalIgnoreCase);
            var hashes = (await connection.QueryAsync<byte[]>("SELECT code_hash FROM dashboard_recovery_codes WHERE user_id = @userId", new { userId })).ToList();
            Assert.Equal(10, hashes.Count);
            Assert.All(hashes, h => Assert.DoesNotContain(codes[0].Replace("-", "", StringComparison.Ordinal), System.Text.Encoding.ASCII.GetString(h), StringComparison.Ordinal));
        }

        // Signing in by link now stops at the code step: no page is reachable before it.
        using var second = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        var redeemed = await DashboardTestData.RedeemAsync(second, await DashboardTestData.LinkPathAsync(app, business.Id, email));
        Assert.Equal("/dashboard/verify", redeemed.Location);
        Assert.Equal("/dashboard/verify", (await second.GetAsync("/dashboard/customers")).Location);
        await second.GetAsync("/dashboard/verify");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await second.PostFormAsync("/dashboard/verify", new Dictionary<string, string> { ["Code"] = "12345" })).Status);
        // The code of the next 30-second step (the enrolment used this step's, and a code is never accepted twice).
        var verified = await second.PostFormAsync("/dashboard/verify", new Dictionary<string, string> { ["Code"] = DashboardTestData.TotpCode(secret, DateTimeOffset.UtcNow.AddSeconds(30)) });
        Assert.Equal("/dashboard", verified.Location);
        Assert.Equal(HttpStatusCode.OK, (await second.GetFollowingAsync("/dashboard")).Status);

        using var third = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await DashboardTestData.RedeemAsync(third, await DashboardTestData.LinkPathAsync(app, business.Id, email));
        await third.GetAsync("/dashboard/verify");
        Assert.Equal("/dashboard", (await third.PostFormAsync("/dashboard/verify", new Dictionary<string, string> { ["Code"] = codes[3].ToUpperInvariant() })).Location);

        using var fourth = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await DashboardTestData.RedeemAsync(fourth, await DashboardTestData.LinkPathAsync(app, business.Id, email));
        await fourth.GetAsync("/dashboard/verify");
        var reused = await fourth.PostFormAsync("/dashboard/verify", new Dictionary<string, string> { ["Code"] = codes[3] });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Contains("That code is not right", reused.Text, StringComparison.Ordinal);
        Assert.Contains("Recovery codes left: 9", (await third.GetAsync("/dashboard/security")).Text, StringComparison.Ordinal);
    }
}
