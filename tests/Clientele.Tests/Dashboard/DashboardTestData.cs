using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Team;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Dashboard;

/// <summary>Shared steps of the dashboard tests: members, links, signing in, TOTP codes.</summary>
public static partial class DashboardTestData
{
    public static string UniqueEmail(string label = "staff") => $"{label}-{Guid.NewGuid():N}@example.com";

    /// <summary>Adds a person to the business with a role (no e-mail); returns their address, id and sign-in link path.</summary>
    public static async Task<(string Email, string UserId, string LinkPath)> InviteAsync(AppFixture app, string businessId, DashboardRole role, string? email = null)
    {
        var outcome = await app.Services.GetRequiredService<DashboardTeam>().InviteAsync(
            businessId, email ?? UniqueEmail(role.ToDb()), role, CultureInfo.GetCultureInfo("en"), sendEmail: false, CancellationToken.None);
        var invited = Assert.IsType<InviteOutcome.Invited>(outcome);
        return (invited.Email, invited.UserId, Mailbox.PathOf(invited.Link));
    }

    /// <summary>A fresh sign-in link for someone who is already a member.</summary>
    public static async Task<string> LinkPathAsync(AppFixture app, string businessId, string email) =>
        Mailbox.PathOf(await app.Services.GetRequiredService<DashboardTeam>().EnsureMemberWithLinkAsync(businessId, email, DashboardRole.Viewer, CancellationToken.None));

    /// <summary>Opens a link as a person does: GET (the confirm button), then its POST. Returns the POST's answer.</summary>
    public static async Task<Page> RedeemAsync(PortalClient client, string linkPath)
    {
        var confirm = await client.GetAsync(linkPath);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        return await client.PostFormAsync(linkPath);
    }

    /// <summary>A signed-in browser-like client for a new member of the business with this role.</summary>
    public static async Task<(PortalClient Client, string Email, string UserId)> SignedInAsync(AppFixture app, string businessId, DashboardRole role)
    {
        var (email, userId, link) = await InviteAsync(app, businessId, role);
        var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        var redeemed = await RedeemAsync(client, link);
        Assert.Equal(HttpStatusCode.Redirect, redeemed.Status);
        Assert.Equal("/dashboard", redeemed.Location);
        return (client, email, userId);
    }

    /// <summary>
    /// RFC 6238 written out here (HMAC-SHA1, 30-second steps, 6 digits), independent of the server's
    /// library, so the test checks the server against the standard rather than against itself.
    /// </summary>
    public static string TotpCode(string base32Secret, DateTimeOffset at)
    {
        var counter = at.ToUnixTimeSeconds() / 30;
        var message = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(message);
        }
#pragma warning disable CA5350 // RFC 6238's default, which every authenticator app uses: HMAC-SHA1 is what is being tested
        var hash = HMACSHA1.HashData(Base32(base32Secret), message);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>The value of a read-only input by id in a page's HTML (the enrolment page's secret).</summary>
    public static string InputValue(string html, string id) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"id=\"{id}\"[^>]*value=\"([^\"]*)\"").Groups[1].Value);

    /// <summary>The recovery codes the page shows once.</summary>
    public static IReadOnlyList<string> RecoveryCodesIn(string html) =>
        [.. CodePattern().Matches(html).Select(m => m.Groups[1].Value)];

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(text.TrimEnd('=').ToUpperInvariant().Select(c => Convert.ToString(alphabet.IndexOf(c), 2).PadLeft(5, '0')));
        return [.. Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2))];
    }

    [GeneratedRegex("<li>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</li>")]
    private static partial Regex CodePattern();
}
