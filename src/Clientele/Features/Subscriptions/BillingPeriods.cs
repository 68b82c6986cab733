namespace Clientele.Features.Subscriptions;

/// <summary>
/// Calendar arithmetic for billing periods (the reference's TimeInterval: Day, Week, Month, Year).
/// Period k starts at <c>anchor + k × (count × interval)</c>, always counted from the anchor, so a
/// subscription started on the 31st bills on the 30th or 28th in shorter months and returns to the
/// 31st afterwards instead of drifting.
/// </summary>
public static class BillingPeriods
{
    public static DateTime Add(DateTime anchor, int count, string interval, int periods = 1)
    {
        var steps = checked(count * periods);
        return interval switch
        {
            "Day" => anchor.AddDays(steps),
            "Week" => anchor.AddDays(checked(7 * steps)),
            "Month" => anchor.AddMonths(steps),
            "Year" => anchor.AddYears(steps),
            _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, "Unknown time interval."),
        };
    }

    /// <summary>The start of period <paramref name="k"/> from the anchor.</summary>
    public static DateTime PeriodStart(DateTime anchor, int count, string interval, int k) => Add(anchor, count, interval, k);

    /// <summary>The first period's dates: a trial runs from now to the anchor; without one the first period starts now and is paid now.</summary>
    public static StartDates Start(DateTime now, int trialDays, int count, string interval, int termCount, string termInterval)
    {
        var anchor = now.AddDays(trialDays);
        var nextPeriod = trialDays > 0 ? 0 : 1;
        return new StartDates(anchor, nextPeriod, PeriodStart(anchor, count, interval, nextPeriod), Add(anchor, termCount, termInterval));
    }
}

/// <summary>Where a new subscription's billing starts: its anchor, the index of the next period to bill, its date, and the end of its term.</summary>
public sealed record StartDates(DateTime Anchor, int NextPeriod, DateTime NextBillingDate, DateTime ExpiresAt);
