using System.Text.RegularExpressions;
using Clientele.Platform.Email;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Infrastructure;

/// <summary>Reads the dev mailbox (what the server "sent") and the links in it.</summary>
public static partial class Mailbox
{
    /// <summary>Waits for the dispatcher to deliver mail to this address; returns the newest message.</summary>
    public static async Task<DevMail> WaitForAsync(AppFixture app, string recipient, int count = 1, TimeSpan? timeout = null)
    {
        var mailbox = app.Services.GetRequiredService<DevMailbox>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var mail = await mailbox.ListAsync(recipient, 50, CancellationToken.None);
            if (mail.Count >= count)
            {
                return mail[0];
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No mail (expected {count}) for {recipient} reached the dev mailbox.");
            }
            await Task.Delay(100);
        }
    }

    public static async Task<int> CountAsync(AppFixture app, string recipient) =>
        (await app.Services.GetRequiredService<DevMailbox>().ListAsync(recipient, 50, CancellationToken.None)).Count;

    /// <summary>The first link in a message's text, as a path on the server (the test talks to the server's own address).</summary>
    public static string LinkIn(DevMail mail) => LinkPattern().Match(mail.TextBody) is { Success: true } match
        ? match.Value
        : throw new InvalidOperationException($"No link in: {mail.TextBody}");

    public static string PathOf(string url) => new Uri(url).PathAndQuery;

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}
