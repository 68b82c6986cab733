using System.Net;
using System.Web;
using Clientele.Features.Payments;
using Clientele.Platform.Email;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>A database dump alone opens no document and decrypts nothing.</summary>
public sealed class SecretsAtRestTests(AppFixture app)
{
    [Fact]
    public async Task No_document_token_is_stored_anywhere_yet_the_links_open_the_documents()
    {
        var business = await app.CreateBusinessAsync();
        await business.Test.PostJsonAsync("/webhooks", new { url = "https://hooks.example.com/docs" });
        var checkout = new CheckoutDriver(app, business.Test);
        var email = $"docs-{Guid.NewGuid():N}@example.com";
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(), email: email)).Path);
        var invoiceUrl = new Uri(payment.Str("invoice_url"));
        var invoiceToken = HttpUtility.ParseQueryString(invoiceUrl.Query)["token"]!;
        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = payment.Str("payment_id") });
        var creditNoteUrl = new Uri(Mailbox.LinkIn(await MailAsync(email, PaymentEmails.RefundKind)));
        var creditNoteToken = HttpUtility.ParseQueryString(creditNoteUrl.Query)["token"]!;
        Assert.Equal(43, invoiceToken.Length);
        Assert.Equal($"/invoices/refunds/{refund.Str("refund_id")}", creditNoteUrl.AbsolutePath);

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var columns = await connection.QueryAsync<(string Table, string Column)>("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'jsonb', 'character varying', 'ARRAY')
            """);
        foreach (var (table, column) in columns)
        {
            var hits = await connection.ExecuteScalarAsync<long>(
                $"SELECT count(*) FROM \"{table}\" WHERE \"{column}\"::text LIKE ANY (@patterns)",
                new { patterns = new[] { $"%{invoiceToken}%", $"%{creditNoteToken}%" } });
            Assert.True(hits == 0, $"{table}.{column} holds a document token");
        }

        using var anonymous = app.CreateAnonymousClient();
        using (var invoice = await anonymous.GetAsync(invoiceUrl.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, invoice.StatusCode);
        }
        using (var creditNote = await anonymous.GetAsync(creditNoteUrl.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, creditNote.StatusCode);
        }
        // A token opens its own document only.
        using var swapped = await anonymous.GetAsync($"/invoices/refunds/{refund.Str("refund_id")}?token={invoiceToken}");
        Assert.Equal(HttpStatusCode.NotFound, swapped.StatusCode);
        Assert.Equal(payment.Str("invoice_url"), (await business.Test.GetJsonAsync($"/payments/{payment.Str("payment_id")}")).Str("invoice_url"));
    }

    [Fact]
    public async Task The_data_protection_key_ring_in_the_database_is_encrypted_with_a_key_that_is_not()
    {
        // The server still reads its ring: protect and unprotect (this also makes sure a key exists).
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("secrets-at-rest-test");
        Assert.Equal("hello", protector.Unprotect(protector.Protect("hello")));

        // No new key is made here: a key created mid-run would be unknown to the suite's other servers until they reload.
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var rows = (await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys")).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_key_encryption_key_file_is_readable_by_its_owner_only()
    {
        var path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "clientele", "key-encryption-key");
        _ = app.Services;
        Assert.True(File.Exists(path), path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    private async Task<DevMail> MailAsync(string email, string kind)
    {
        var mailbox = app.Services.GetRequiredService<DevMailbox>();
        for (var i = 0; i < 150; i++)
        {
            if ((await mailbox.ListAsync(email, 50, CancellationToken.None)).FirstOrDefault(m => m.Kind == kind) is { } mail)
            {
                return mail;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No {kind} mail for {email}.");
    }
}
