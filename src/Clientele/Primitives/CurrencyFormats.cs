using System.Collections.Concurrent;
using System.Globalization;

namespace Clientele.Primitives;

/// <summary>
/// Cultures and number formats built once per name and shared (read-only): building a specific culture
/// costs hundreds of microseconds the first time it is formatted with, and a page formats dozens of amounts.
/// </summary>
public static class CurrencyFormats
{
    private static readonly ConcurrentDictionary<string, CultureInfo> Specific = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<(string Code, string Culture), NumberFormatInfo> Formats = new();

    /// <summary>
    /// The read-only specific culture for a name: "es" → "es-ES", "en" → "en-US" (the language's default
    /// region), a specific name as is. The same instance every time.
    /// </summary>
    public static CultureInfo SpecificCulture(string name) =>
        Specific.GetOrAdd(name, static n => CultureInfo.ReadOnly(CultureInfo.CreateSpecificCulture(n)));

    /// <summary>The culture's currency format for one currency (its digits, and its local symbol or else its code).</summary>
    internal static NumberFormatInfo For(Currency currency, CultureInfo culture)
    {
        // Only a read-only culture is known to format as its name says; a caller's modified copy is built each time.
        if (!culture.IsReadOnly)
        {
            return Build(currency, culture);
        }
        return Formats.GetOrAdd((currency.Code, culture.Name), static (key, arg) => Build(arg.currency, arg.culture), (currency, culture));
    }

    private static NumberFormatInfo Build(Currency currency, CultureInfo culture)
    {
        var number = (NumberFormatInfo)culture.NumberFormat.Clone();
        number.CurrencyDecimalDigits = currency.Exponent;
        number.CurrencySymbol = Symbol(currency, culture);
        return NumberFormatInfo.ReadOnly(number);
    }

    private static string Symbol(Currency currency, CultureInfo culture)
    {
        // A neutral culture ("en", "pt") has no region; its default specific culture ("en-US") stands in for it.
        var specific = culture.IsNeutralCulture && culture.Name.Length > 0 ? SpecificCulture(culture.Name) : culture;
        if (specific.Name.Length > 0 && new RegionInfo(specific.Name) is { ISOCurrencySymbol: var local } region && local == currency.Code)
        {
            return region.CurrencySymbol;
        }
        return currency.Code;
    }
}
