using System.Collections.Frozen;
using System.Globalization;

namespace Clientele.Primitives;

/// <summary>
/// An ISO-4217 currency and its minor-unit exponent (USD 2, JPY 0, KWD 3, CLF 4). Amounts are
/// always <c>long</c> minor units of one of these; never <c>double</c>, never "× 100".
/// </summary>
public sealed partial record Currency
{
    private Currency(string code, int exponent)
    {
        Code = code;
        Exponent = exponent;
    }

    public string Code { get; }

    /// <summary>Digits after the decimal point in the major unit: 10^Exponent minor units make one major unit.</summary>
    public int Exponent { get; }

    public override string ToString() => Code;

    /// <summary>Active ISO-4217 codes for money (no funds, metals or testing codes), with their exponents.</summary>
    private static readonly FrozenDictionary<string, Currency> All = BuildTable();

    public static IReadOnlyCollection<string> Codes => All.Keys;

    public static Currency USD { get; } = All["USD"];

    /// <summary>Looks up an uppercase three-letter code; lowercase or unknown codes are not currencies.</summary>
    public static bool TryFind(string? code, out Currency currency)
    {
        currency = null!;
        return code is { Length: 3 } && All.TryGetValue(code, out currency!);
    }

    public static Currency Find(string code) =>
        TryFind(code, out var currency) ? currency : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    /// <summary>Formats minor units for people, per culture (e.g. "US$1,234.50", "1.234,50 €", "¥1,235").</summary>
    public string Format(long minorUnits, CultureInfo culture)
    {
        var number = CurrencyFormats.For(this, culture);
        var text = ToMajor(minorUnits).ToString("C", number);
        // A code in place of a local symbol reads as a word: keep it apart from the digits on whichever
        // side the culture puts it ("KWD 1.500", "1.234,50 USD"), without doubling a space the culture has.
        if (number.CurrencySymbol == Code)
        {
            text = CodeThenDigit().Replace(text, "$1\u00a0");
            text = DigitThenCode().Replace(text, "\u00a0$1");
        }
        return text;
    }

    /// <summary>The exact major-unit value (decimal holds every long minor amount exactly).</summary>
    public decimal ToMajor(long minorUnits) => minorUnits / Pow10(Exponent);

    [System.Text.RegularExpressions.GeneratedRegex(@"([A-Z]{3})(?=[\d-])")]
    private static partial System.Text.RegularExpressions.Regex CodeThenDigit();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=\d)([A-Z]{3})")]
    private static partial System.Text.RegularExpressions.Regex DigitThenCode();

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }

    private static FrozenDictionary<string, Currency> BuildTable()
    {
        const string twoDigits = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD
            CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
            GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL
            MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK
            PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL
            THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD XCG YER ZAR ZMW ZWG
            """;
        var table = new Dictionary<string, Currency>(StringComparer.Ordinal);
        foreach (var code in twoDigits.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            table[code] = new Currency(code, 2);
        }
        foreach (var code in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".Split(' '))
        {
            table[code] = new Currency(code, 0);
        }
        foreach (var code in "BHD IQD JOD KWD LYD OMR TND".Split(' '))
        {
            table[code] = new Currency(code, 3);
        }
        foreach (var code in "CLF UYW".Split(' '))
        {
            table[code] = new Currency(code, 4);
        }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
