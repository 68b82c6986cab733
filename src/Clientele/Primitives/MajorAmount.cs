using System.Globalization;

namespace Clientele.Primitives;

/// <summary>
/// Reads an amount a person typed in major units ("12.50", "12,50" in a comma culture, "1500" yen) into
/// exact minor units of the currency: digits and at most one decimal separator, no sign, no grouping, and
/// never more decimals than the currency's exponent allows (trailing zeros aside).
/// </summary>
public static class MajorAmount
{
    public static bool TryParse(string? text, Currency currency, CultureInfo culture, out long minorUnits)
    {
        minorUnits = 0;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length is 0 or > 40)
        {
            return false;
        }
        // '.' always reads as the decimal point; the culture's own separator (',' in pt-BR, es, it, id) too.
        var separator = culture.NumberFormat.NumberDecimalSeparator;
        if (separator != "." && trimmed.Contains(separator, StringComparison.Ordinal))
        {
            if (trimmed.Contains('.', StringComparison.Ordinal))
            {
                return false;
            }
            trimmed = trimmed.Replace(separator, ".", StringComparison.Ordinal);
        }
        if (!trimmed.All(c => c is (>= '0' and <= '9') or '.') || trimmed.Count(c => c == '.') > 1 || trimmed.StartsWith('.') || trimmed.EndsWith('.'))
        {
            return false;
        }
        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major))
        {
            return false;
        }
        var minor = major;
        for (var i = 0; i < currency.Exponent; i++)
        {
            minor *= 10;
        }
        if (minor != decimal.Truncate(minor) || minor > long.MaxValue)
        {
            return false;
        }
        minorUnits = (long)minor;
        return true;
    }

    /// <summary>Minor units as a person types them back: invariant digits with the currency's decimals ("12.50", "1500").</summary>
    public static string Format(long minorUnits, Currency currency) =>
        currency.ToMajor(minorUnits).ToString("F" + currency.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
