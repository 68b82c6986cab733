using System.Net;
using Clientele.Platform.Email;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Checkout;

/// <summary>
/// The card number goes only to the processor's tokenize call. After checkouts with every test card
/// (and a refused non-test card), no card number may appear in any table, any queued or sent e-mail,
/// or any line the server logged, with or without spaces or dashes.
/// </summary>
public sealed class CardNumberScanTests(AppFixture app)
{
    /// <summary>Every card the suite types, plus one real-looking card that test mode refuses.</summary>
    private static readonly string[] Cards =
    [
        CheckoutDriver.Visa, CheckoutDriver.Mastercard, CheckoutDriver.Declined, CheckoutDriver.InsufficientFunds, CheckoutDriver.SucceedsOnce,
        "4111 1111 1111 1111",
    ];

    private static readonly string[] Pans = [.. Cards.Select(c => c.Replace(" ", "", StringComparison.Ordinal))];

    [Fact]
    public async Task No_card_number_is_in_any_table_email_or_log_line()
    {
        await DriveEveryCardAsync();

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        await AssertNoPanInTablesAsync(connection);
        await AssertNoPanInEmailsAsync(connection);
        var lines = app.Logs.Snapshot();
        // The capture does see the app's own lines (the receipt queued for the payments above).
        Assert.Contains(lines, line => line.Contains("Receipt for payment", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            Assert.True(FindPan(line) is null, $"A log line holds a card number: {line}");
        }
    }

    /// <summary>Declines and a refusal on one session, then each succeeding card on its own; one payment is refunded (its e-mail is scanned too).</summary>
    private async Task DriveEveryCardAsync()
    {
        var business = await app.CreateBusinessAsync("Scan Co");
        var checkout = new CheckoutDriver(app, business.Test);
        var product = await checkout.ProductAsync();
        var (_, path) = await checkout.SessionAsync(product);
        foreach (var card in new[] { CheckoutDriver.Declined, CheckoutDriver.InsufficientFunds, Cards[^1] })
        {
            using var declined = await checkout.PayAsync(path, card);
            Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        }
        var paid = await checkout.PaySuccessfullyAsync(path);
        foreach (var card in new[] { CheckoutDriver.Mastercard, CheckoutDriver.SucceedsOnce })
        {
            await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(product)).Path, card);
        }
        await business.Test.PostJsonAsync("/refunds", new { payment_id = paid.Str("payment_id") });
    }

    private static async Task AssertNoPanInTablesAsync(NpgsqlConnection connection)
    {
        var columns = await connection.QueryAsync<(string Table, string Column)>("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'jsonb', 'character varying', 'bytea', 'ARRAY')
            """);
        foreach (var (table, column) in columns)
        {
            var hits = await connection.ExecuteScalarAsync<long>(
                $"SELECT count(*) FROM \"{table}\" WHERE replace(replace(\"{column}\"::text, ' ', ''), '-', '') LIKE ANY (@patterns)",
                new { patterns = Pans.Select(p => $"%{p}%").ToArray() });
            Assert.True(hits == 0, $"{table}.{column} holds a card number");
        }
    }

    /// <summary>E-mail bodies are stored encrypted, so the table scan cannot see into them: decrypt each one.</summary>
    private async Task AssertNoPanInEmailsAsync(NpgsqlConnection connection)
    {
        var protector = app.Services.GetRequiredService<EmailBodyProtector>();
        var mails = (await connection.QueryAsync<(string Id, string Subject, byte[] Body)>(
            "SELECT id, subject, protected_body FROM email_outbox WHERE protected_body IS NOT NULL")).AsList();
        Assert.NotEmpty(mails);
        foreach (var (id, subject, body) in mails)
        {
            var (text, html) = protector.Unprotect(body);
            Assert.True(FindPan(subject + "\n" + text + "\n" + html) is null, $"E-mail {id} holds a card number");
        }
    }

    /// <summary>The first test card number in a text, however its digits are grouped.</summary>
    private static string? FindPan(string text)
    {
        var digits = text.Replace(" ", "", StringComparison.Ordinal).Replace("\u00a0", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return Pans.FirstOrDefault(pan => digits.Contains(pan, StringComparison.Ordinal));
    }
}
