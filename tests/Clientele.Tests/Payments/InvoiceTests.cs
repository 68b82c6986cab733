using System.Net;
using System.Text;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace Clientele.Tests.Payments;

public sealed class InvoiceTests(AppFixture app)
{
    [Fact]
    public async Task The_invoice_pdf_opens_and_holds_its_number_parties_and_total()
    {
        var business = await app.CreateBusinessAsync("Invoice Maker Ltd");
        var checkout = new CheckoutDriver(app, business.Test);
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync(123456), quantity: 2, email: "ines@example.com")).Path);

        using var response = await business.Test.GetAsync($"/invoices/payments/{payment.Str("payment_id")}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        var text = ExtractText(pdf);
        Assert.Contains("TEST-INV-000001", text, StringComparison.Ordinal);
        // The font travels with the document (a TrueType font file object), so it renders the same anywhere.
        Assert.Contains("/FontFile2", Encoding.Latin1.GetString(pdf), StringComparison.Ordinal);
        Assert.Contains("Invoice Maker Ltd", text, StringComparison.Ordinal);
        Assert.Contains("ines@example.com", text, StringComparison.Ordinal);
        Assert.Contains("$2,469.12", text, StringComparison.Ordinal);
        Assert.Contains("Tax", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_api_key_the_pdf_needs_the_access_token_of_its_link()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync())).Path);
        var id = payment.Str("payment_id");
        var link = new Uri(payment.Str("invoice_url"));

        using var anonymous = app.CreateAnonymousClient();
        using (var withToken = await anonymous.GetAsync(link.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
            Assert.StartsWith("%PDF", Encoding.ASCII.GetString(await withToken.Content.ReadAsByteArrayAsync())[..4], StringComparison.Ordinal);
        }
        using (var bare = await anonymous.GetAsync($"/invoices/payments/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
        }
        using (var wrong = await anonymous.GetAsync($"/invoices/payments/{id}?token=not-the-token"))
        {
            Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        }
    }

    [Fact]
    public async Task Concurrent_payments_get_gapless_unique_invoice_numbers()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var product = await checkout.ProductAsync();
        var paths = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            paths.Add((await checkout.SessionAsync(product)).Path);
        }

        var payments = await Task.WhenAll(paths.Select(path => new CheckoutDriver(app, business.Test).PaySuccessfullyAsync(path)));

        var numbers = new List<string>();
        foreach (var payment in payments)
        {
            using var pdf = await business.Test.GetAsync($"/invoices/payments/{payment.Str("payment_id")}");
            var text = ExtractText(await pdf.Content.ReadAsByteArrayAsync());
            numbers.Add(System.Text.RegularExpressions.Regex.Match(text, "TEST-INV-[0-9]{6}").Value);
        }
        Assert.Equal(Enumerable.Range(1, 8).Select(n => $"TEST-INV-{n:D6}"), numbers.Order());
        // The live mode of the same business numbers on its own.
        Assert.Empty((await business.Live.GetJsonAsync("/payments"))["items"]!.AsArray());
    }

    [Fact]
    public async Task An_invoice_cannot_be_committed_without_its_number()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var payment = await checkout.PaySuccessfullyAsync((await checkout.SessionAsync(await checkout.ProductAsync())).Path);
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        // Numbers are taken as a transaction's last step; until then a row may lack one, but never at commit.
        Assert.Equal(1, await connection.ExecuteAsync(
            "UPDATE invoices SET sequence = NULL, number = NULL WHERE payment_id = @id", new { id = payment.Str("payment_id") }, transaction));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => transaction.CommitAsync(TestContext.Current.CancellationToken));
        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal("TEST-INV-000001", await connection.ExecuteScalarAsync<string>(
            "SELECT number FROM invoices WHERE payment_id = @id", new { id = payment.Str("payment_id") }));
    }

    /// <summary>The text a PDF reader would extract: the strings of every text-showing operator.</summary>
    public static string ExtractText(byte[] pdf)
    {
        Clientele.Features.Invoices.InvoiceFonts.EnsureInstalled(Clientele.Features.Invoices.InvoiceFonts.DefaultDirectory);
        using var stream = new MemoryStream(pdf);
        using var document = PdfReader.Open(stream, PdfDocumentOpenMode.Import);
        var text = new StringBuilder();
        foreach (var page in document.Pages)
        {
            Collect(ContentReader.ReadContent(page), text);
        }
        return text.ToString();
    }

    private static void Collect(CObject content, StringBuilder text)
    {
        switch (content)
        {
            case CString value:
                text.Append(value.Value).Append('\n');
                break;
            case COperator op when op.OpCode.Name is "Tj" or "TJ" or "'" or "\"":
                foreach (var operand in op.Operands)
                {
                    Collect(operand, text);
                }
                break;
            case CSequence sequence:
                foreach (var item in sequence)
                {
                    Collect(item, text);
                }
                break;
        }
    }
}
