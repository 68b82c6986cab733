using Clientele.Primitives;

namespace Clientele.Features.Subscriptions;

/// <summary>The reference's proration_billing_mode values.</summary>
public static class ProrationModes
{
    public const string ProratedImmediately = "prorated_immediately";
    public const string FullImmediately = "full_immediately";
    public const string DifferenceImmediately = "difference_immediately";
    public const string DoNotBill = "do_not_bill";

    public static readonly string[] All = [ProratedImmediately, FullImmediately, DifferenceImmediately, DoNotBill];
}

/// <summary>
/// What an immediate plan change costs. <see cref="Charge"/> is taken now (wallet first, then the
/// card); <see cref="Credit"/> goes to the customer's wallet in the subscription's currency.
/// At most one of them is non-zero. <see cref="ProrationFactor"/> is the share of the current
/// period that is left (1 when the period is not prorated). <see cref="ResetsCycle"/>: a new
/// billing period starts now (full_immediately), otherwise the billing dates stay as they are.
/// </summary>
public sealed record ProrationQuote(long Charge, long Credit, double ProrationFactor, bool ResetsCycle);

/// <summary>
/// Proration arithmetic, pure: amounts are whole-period prices of the whole quantity in minor units.
/// Rounding rule (one rounding, exact integer maths): the prorated amount is
/// (new − old) × remaining / period, computed on the tick counts, and rounded to a minor unit half
/// away from zero (<see cref="MinorUnits.Scale"/>). Time outside the period clamps to it: a change at
/// or after the period's end prorates to nothing, before its start to the whole period.
/// <list type="bullet">
/// <item><c>prorated_immediately</c>: the difference for the time left; an upgrade charges it, a
/// downgrade credits it. Dates unchanged.</item>
/// <item><c>full_immediately</c>: the new plan's full price now, no credit for the old plan's unused
/// time, and a new period starts now.</item>
/// <item><c>difference_immediately</c>: the whole difference between the two prices, charged on an
/// upgrade or credited on a downgrade, whatever the time left. Dates unchanged.</item>
/// <item><c>do_not_bill</c>: nothing now; the next renewal bills the new price.</item>
/// </list>
/// </summary>
public static class Proration
{
    public static ProrationQuote Quote(string mode, long oldAmount, long newAmount, DateTime periodStart, DateTime periodEnd, DateTime now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldAmount);
        ArgumentOutOfRangeException.ThrowIfNegative(newAmount);
        if (periodEnd <= periodStart)
        {
            throw new ArgumentException("A billing period must end after it starts.", nameof(periodEnd));
        }
        switch (mode)
        {
            case ProrationModes.ProratedImmediately:
                var total = (periodEnd - periodStart).Ticks;
                var left = Math.Clamp((periodEnd - now).Ticks, 0, total);
                var difference = MinorUnits.Scale(newAmount - oldAmount, left, total);
                return new ProrationQuote(Math.Max(difference, 0), Math.Max(-difference, 0), (double)left / total, false);
            case ProrationModes.FullImmediately:
                return new ProrationQuote(newAmount, 0, 1, true);
            case ProrationModes.DifferenceImmediately:
                return new ProrationQuote(Math.Max(newAmount - oldAmount, 0), Math.Max(oldAmount - newAmount, 0), 1, false);
            case ProrationModes.DoNotBill:
                return new ProrationQuote(0, 0, 0, false);
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown proration billing mode.");
        }
    }
}
