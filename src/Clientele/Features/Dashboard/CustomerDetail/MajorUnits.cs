using System.Globalization;
using Clientele.Primitives;

namespace Clientele.Features.Dashboard.CustomerDetail;

/// <summary>Reads an amount a person typed in major units ("12.50", "12,50", "1500" for JPY) as minor units of the currency; what is allowed is the operation's business.</summary>
public static class MajorUnits
{
    public static bool TryParse(string? text, Currency currency, out long minorUnits)
    {
        minorUnits = 0;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Contains(',', StringComparison.Ordinal) && !trimmed.Contains('.', StringComparison.Ordinal))
        {
            trimmed = trimmed.Replace(',', '.');
        }
        if (trimmed.Length is 0 or > 24 || !decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major))
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

    /// <summary>Minor units written in major units with the currency's decimals and a point, as an input's value.</summary>
    public static string Format(long minorUnits, Currency currency) =>
        currency.ToMajor(minorUnits).ToString("F" + currency.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
