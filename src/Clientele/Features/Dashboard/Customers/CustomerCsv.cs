using System.Globalization;
using System.Text;
using Clientele.Primitives;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// The report's CSV: RFC 4180 (comma, CRLF, fields with a comma, quote or line break in double
/// quotes, quotes doubled), UTF-8 with a byte-order mark (<see cref="Preamble"/>), and every cell that
/// a spreadsheet would read as a formula (first character = + - @, tab or carriage return) prefixed
/// with an apostrophe (OWASP's CSV-injection advice). That includes phone numbers in +E.164 form:
/// safe beats pretty for text customers typed themselves.
///
/// Why the BOM: merchants open reports in Excel, which reads a BOM-less CSV in the system's legacy
/// code page and garbles every accented name; with the BOM it reads UTF-8. Other readers (pandas,
/// Python's utf-8-sig, Google Sheets, LibreOffice) skip it.
///
/// Written by hand rather than with CsvHelper: the whole format is the 20 lines of
/// <see cref="Cell"/>, it writes straight into each batch's buffer, and no package is added.
/// </summary>
public static class CustomerCsv
{
    public static ReadOnlySpan<byte> Preamble => [0xEF, 0xBB, 0xBF];

    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The header cells: the column keys, with last_payment as two cells (when and how much).</summary>
    public static IEnumerable<string> Header(IEnumerable<CustomerColumn> columns) =>
        columns.SelectMany(column => column == CustomerColumn.LastPayment ? ["last_payment_at", "last_payment_amount"] : new[] { column.Key() });

    public static void WriteHeader(StringBuilder output, IEnumerable<CustomerColumn> columns) => WriteLine(output, Header(columns));

    public static void WriteRow(StringBuilder output, CustomerListRow row, IEnumerable<CustomerColumn> columns) =>
        WriteLine(output, columns.SelectMany(column => Cells(row, column)));

    public static void WriteLine(StringBuilder output, IEnumerable<string> cells)
    {
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                output.Append(',');
            }
            first = false;
            Cell(output, cell);
        }
        output.Append("\r\n");
    }

    /// <summary>One field: neutralised if it could start a formula, then quoted if it must be.</summary>
    public static void Cell(StringBuilder output, string value)
    {
        var neutralise = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (quote)
        {
            output.Append('"');
        }
        if (neutralise)
        {
            output.Append('\'');
        }
        output.Append(quote ? value.Replace("\"", "\"\"", StringComparison.Ordinal) : value);
        if (quote)
        {
            output.Append('"');
        }
    }

    private static IEnumerable<string> Cells(CustomerListRow row, CustomerColumn column) => column switch
    {
        CustomerColumn.Name => [row.Name],
        CustomerColumn.CustomerId => [row.Id],
        CustomerColumn.Email => [row.Email],
        CustomerColumn.Phone => [row.PhoneNumber ?? ""],
        CustomerColumn.CreatedAt => [Time(row.CreatedAt)],
        CustomerColumn.TotalSpent => [Amounts(row.TotalSpent)],
        CustomerColumn.ActiveSubscriptions => [(row.ActiveSubscriptions ?? 0).ToString(CultureInfo.InvariantCulture)],
        CustomerColumn.WalletBalances => [Amounts(row.WalletBalances)],
        CustomerColumn.LastPayment => row.LastPayment is { } last ? [Time(last.At), Amount(last.Amount)] : ["", ""],
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    /// <summary>ISO 8601 in UTC to the second, which every spreadsheet and script reads.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"USD 12.50" — the code and the major amount with the currency's own decimals (JPY none, KWD three).</summary>
    public static string Amount(Money money) =>
        money.Code + " " + money.Currency.ToMajor(money.Amount).ToString("F" + money.Currency.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Several currencies in one cell: "EUR 3.00; USD 12.50".</summary>
    public static string Amounts(IReadOnlyList<Money>? amounts) => amounts is null ? "" : string.Join("; ", amounts.Select(Amount));
}
