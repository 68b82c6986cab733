using System.Text;
using Clientele.Features.Dashboard.Customers;
using Clientele.Primitives;

namespace Clientele.Tests.Dashboard.Customers;

/// <summary>Report cells are RFC 4180 and can never run as a spreadsheet formula.</summary>
public sealed class CustomerCsvTests
{
    private static string Cell(string value)
    {
        var output = new StringBuilder();
        CustomerCsv.Cell(output, value);
        return output.ToString();
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1 415 555 0100", "'+1 415 555 0100")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("a=1", "a=1")]
    public void Cells_that_could_start_a_formula_are_prefixed_with_an_apostrophe(string value, string written) =>
        Assert.Equal(written, Cell(value));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("Lovelace, Ada", "\"Lovelace, Ada\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("crlf\r\nbreak", "\"crlf\r\nbreak\"")]
    [InlineData("", "")]
    [InlineData("Zoë Ñandú 王秀英 🙂", "Zoë Ñandú 王秀英 🙂")]
    public void Commas_quotes_and_line_breaks_are_quoted_and_other_text_is_kept_as_it_is(string value, string written) =>
        Assert.Equal(written, Cell(value));

    [Fact]
    public void A_row_is_written_in_the_chosen_columns_order_with_crlf_and_reads_back_the_same()
    {
        var row = new CustomerListRow("cus_1", "Lovelace, \"Ada\"\nCountess", "ada@example.com", "+441234", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc))
        {
            TotalSpent = [Money.Of(1250, "EUR"), Money.Of(1000, "JPY"), Money.Of(1500, "KWD")],
            ActiveSubscriptions = 2,
            WalletBalances = [],
            LastPayment = new CustomerLastPayment(new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), Money.Of(990, "USD")),
        };
        CustomerColumn[] columns = [CustomerColumn.Email, CustomerColumn.Name, CustomerColumn.Phone, CustomerColumn.CreatedAt, CustomerColumn.TotalSpent,
            CustomerColumn.ActiveSubscriptions, CustomerColumn.WalletBalances, CustomerColumn.LastPayment, CustomerColumn.CustomerId];
        var output = new StringBuilder();
        CustomerCsv.WriteHeader(output, columns);
        CustomerCsv.WriteRow(output, row, columns);

        var parsed = CustomerSeed.ParseCsv(output.ToString());
        Assert.Equal(["email", "name", "phone", "created_at", "total_spent", "active_subscriptions", "wallet_balances", "last_payment_at", "last_payment_amount", "customer_id"], parsed[0]);
        Assert.Equal(["ada@example.com", "Lovelace, \"Ada\"\nCountess", "'+441234", "2026-01-02T03:04:05Z", "EUR 12.50; JPY 1000; KWD 1.500", "2", "", "2026-02-01T00:00:00Z", "USD 9.90", "cus_1"], parsed[1]);
    }

    [Fact]
    public void The_file_starts_with_a_utf8_byte_order_mark() =>
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, CustomerCsv.Preamble.ToArray());
}
