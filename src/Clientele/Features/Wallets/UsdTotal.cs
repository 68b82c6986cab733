using System.Numerics;
using Clientele.Primitives;

namespace Clientele.Features.Wallets;

/// <summary>
/// The indicative sum of balances in US cents. Exact until the end: each term
/// <c>balance × rate × 10^(2 − exponent)</c> is kept as an integer over a common power of ten, and the
/// sum is rounded once, half away from zero. Currencies without a rate are left out.
/// </summary>
public static class UsdTotal
{
    public static long Compute(IEnumerable<(Currency Currency, long Balance)> balances, IReadOnlyDictionary<string, decimal> usdRates, ICollection<string>? unrated = null)
    {
        var terms = new List<(BigInteger Numerator, int Scale)>();
        foreach (var (currency, balance) in balances)
        {
            if (balance == 0)
            {
                continue;
            }
            if (!usdRates.TryGetValue(currency.Code, out var rate))
            {
                unrated?.Add(currency.Code);
                continue;
            }
            // value in cents = balance × mantissa × 10^usdExponent / 10^(rateScale + exponent)
            var (mantissa, rateScale) = Decompose(rate);
            terms.Add((balance * mantissa * BigInteger.Pow(10, Currency.USD.Exponent), rateScale + currency.Exponent));
        }
        if (terms.Count == 0)
        {
            return 0;
        }
        var scale = terms.Max(t => t.Scale);
        var sum = BigInteger.Zero;
        foreach (var (numerator, termScale) in terms)
        {
            sum += numerator * BigInteger.Pow(10, scale - termScale);
        }
        var cents = RoundHalfAwayFromZero(sum, BigInteger.Pow(10, scale));
        // Only reachable with absurd balances; the field is int64, so saturate rather than fail the read.
        return cents > long.MaxValue ? long.MaxValue : cents < long.MinValue ? long.MinValue : (long)cents;
    }

    public static BigInteger RoundHalfAwayFromZero(BigInteger numerator, BigInteger denominator)
    {
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        if (BigInteger.Abs(remainder) * 2 >= denominator)
        {
            quotient += numerator.Sign;
        }
        return quotient;
    }

    /// <summary>A decimal as integer mantissa and power-of-ten scale: 0.0113 → (113, 4).</summary>
    private static (BigInteger Mantissa, int Scale) Decompose(decimal value)
    {
        var bits = decimal.GetBits(value);
        var magnitude = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | new BigInteger((uint)bits[0]);
        var negative = (bits[3] & int.MinValue) != 0;
        return (negative ? -magnitude : magnitude, (bits[3] >> 16) & 0xFF);
    }
}
