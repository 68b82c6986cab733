namespace Clientele.Primitives;

/// <summary>
/// The one rounding rule for money arithmetic on minor units: exact integer maths, and a result
/// that falls between two minor units is rounded half away from zero (1.5 → 2, −1.5 → −2).
/// </summary>
public static class MinorUnits
{
    /// <summary><paramref name="amount"/> × <paramref name="percent"/> / 100, rounded by the rule.</summary>
    public static long Percent(long amount, int percent) => Divide(checked(amount * percent), 100);

    /// <summary><paramref name="amount"/> × <paramref name="numerator"/> / <paramref name="denominator"/>, rounded by the rule.</summary>
    public static long Scale(long amount, long numerator, long denominator)
    {
        var product = (Int128)amount * numerator;
        var quotient = Int128.DivRem(product, denominator);
        var result = quotient.Quotient;
        var twiceRemainder = Int128.Abs(quotient.Remainder) * 2;
        if (twiceRemainder >= Int128.Abs(denominator))
        {
            result += (product < 0) ^ (denominator < 0) ? -1 : 1;
        }
        return checked((long)result);
    }

    public static long Divide(long numerator, long denominator) => Scale(numerator, 1, denominator);
}
