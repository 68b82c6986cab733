using System.Text.RegularExpressions;
using Clientele.Platform.Email;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Infrastructure;

/// <summary>Reads the dev mailbox (what the server "sent") and the links in it.</summary>
public static partial class Mailbox
{
    /// <summary>Waits for the dispatcher to deliver mail to this address; returns the newest message.</summary>
    public static Task<DevMail> WaitForAsync(AppFixture app, string recipient, int count = 1, TimeSpan? timeout = null) =>
        WaitAsync(app, recipient, mail => mail.Count >= count ? mail[0] : null, $"No mail (expected {count}) for {recipient} reached the dev mailbox.", timeout);

    /// <summary>Waits for a message of one kind (receipts and others may reach the same address meanwhile); returns the newest.</summary>
    public static Task<DevMail> WaitForKindAsync(AppFixture app, string recipient, string kind, TimeSpan? timeout = null) =>
        WaitAsync(app, recipient, mail => mail.FirstOrDefault(m => m.Kind == kind), $"No {kind} mail for {recipient} reached the dev mailbox.", timeout);

    private static async Task<DevMail> WaitAsync(AppFixture app, string recipient, Func<IReadOnlyList<DevMail>, DevMail?> pick, string failure, TimeSpan? timeout)
    {
        var mailbox = app.Services.GetRequiredService<DevMailbox>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (pick(await mailbox.ListAsync(recipient, 50, CancellationToken.None)) is { } mail)
            {
                return mail;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failure);
            }
            await Task.Delay(100);
        }
    }

    public static async Task<int> CountAsync(AppFixture app, string recipient) =>
        (await app.Services.GetRequiredService<DevMailbox>().ListAsync(recipient, 50, CancellationToken.None)).Count;

    /// <summary>
    /// Every message queued for this address, sent or not. Mail is queued in the transaction of the
    /// request that causes it, so once that request has answered, a message that is not here never will be.
    /// </summary>
    public static async Task<IReadOnlyList<OutboxRow>> OutboxAsync(string recipient)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return (await connection.QueryAsync<OutboxRow>(
            "SELECT id, recipient, status, attempts, last_error AS lasterror, transport FROM email_outbox WHERE lower(recipient) = lower(@recipient) ORDER BY created_at, id",
            new { recipient })).AsList();
    }

    /// <summary>
    /// Polls the outbox until <paramref name="condition"/> holds for this address's rows; on time-out fails
    /// naming what it waited for and what the outbox held.
    /// </summary>
    public static Task<IReadOnlyList<OutboxRow>> WaitForOutboxAsync(string recipient, Func<IReadOnlyList<OutboxRow>, bool> condition, string expectation, TimeSpan? timeout = null) =>
        WaitForOutboxAsync(() => OutboxAsync(recipient), condition, $"{expectation} (mail for {recipient})", timeout);

    /// <summary>Waits until every message queued for this address has left <c>pending</c> (sent or given up); returns them all.</summary>
    public static Task<IReadOnlyList<OutboxRow>> WaitUntilSettledAsync(string recipient, TimeSpan? timeout = null) =>
        WaitForOutboxAsync(recipient, rows => rows.All(r => r.Status != "pending"), "every queued message sent or given up", timeout);

    public static async Task<IReadOnlyList<OutboxRow>> WaitForOutboxAsync(Func<Task<IReadOnlyList<OutboxRow>>> read, Func<IReadOnlyList<OutboxRow>, bool> condition, string expectation, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var rows = await read();
            if (condition(rows))
            {
                return rows;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited for the e-mail outbox: {expectation}. It held {rows.Count} row(s): "
                    + string.Join("; ", rows.Select(r => $"{r.Id} {r.Status} attempts={r.Attempts} transport={r.Transport} error={r.LastError}")));
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The first link in a message's text, as a path on the server (the test talks to the server's own address).</summary>
    public static string LinkIn(DevMail mail) => LinkPattern().Match(mail.TextBody) is { Success: true } match
        ? match.Value
        : throw new InvalidOperationException($"No link in: {mail.TextBody}");

    public static string PathOf(string url) => new Uri(url).PathAndQuery;

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}

/// <summary>One row of <c>email_outbox</c>, as tests wait on it.</summary>
public sealed record OutboxRow(string Id, string Recipient, string Status, int Attempts, string? LastError, string? Transport);
