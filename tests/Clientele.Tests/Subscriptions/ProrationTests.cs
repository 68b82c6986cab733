using Clientele.Features.Subscriptions;

namespace Clientele.Tests.Subscriptions;

/// <summary>The pure proration and billing-period arithmetic, exact to the minor unit.</summary>
public sealed class ProrationTests
{
    private static readonly DateTime Start = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime End = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc); // 31 days

    [Fact]
    public void Prorated_upgrade_charges_the_difference_for_the_time_left()
    {
        // 21 of 31 days left: (3000 − 1000) × 21 / 31 = 1354.838… → 1355
        var quote = Proration.Quote(ProrationModes.ProratedImmediately, 1000, 3000, Start, End, Start.AddDays(10));
        Assert.Equal(new ProrationQuote(1355, 0, 21d / 31, false), quote);
    }

    [Fact]
    public void Prorated_downgrade_credits_the_difference_for_the_time_left()
    {
        // (1000 − 3000) × 21 / 31 = −1354.838… → −1355: a credit of 1355
        var quote = Proration.Quote(ProrationModes.ProratedImmediately, 3000, 1000, Start, End, Start.AddDays(10));
        Assert.Equal((0L, 1355L), (quote.Charge, quote.Credit));
    }

    [Theory]
    [InlineData(1, 2, 1, 1)]   // 1 × 1/2 = 0.5 rounds away from zero → 1
    [InlineData(3, 2, 1, 2)]   // 1.5 → 2
    [InlineData(1, 3, 1, 0)]   // 0.33 → 0
    [InlineData(1, 3, 2, 1)]   // 0.67 → 1
    public void Halves_round_away_from_zero(long difference, int periodTicks, int ticksLeft, long expected)
    {
        var end = Start.AddTicks(periodTicks);
        var now = end.AddTicks(-ticksLeft);
        Assert.Equal(expected, Proration.Quote(ProrationModes.ProratedImmediately, 0, difference, Start, end, now).Charge);
        Assert.Equal(expected, Proration.Quote(ProrationModes.ProratedImmediately, difference, 0, Start, end, now).Credit);
    }

    [Fact]
    public void Time_outside_the_period_clamps_to_it()
    {
        Assert.Equal(0, Proration.Quote(ProrationModes.ProratedImmediately, 1000, 3000, Start, End, End.AddDays(3)).Charge);
        Assert.Equal(2000, Proration.Quote(ProrationModes.ProratedImmediately, 1000, 3000, Start, End, Start.AddDays(-3)).Charge);
    }

    [Fact]
    public void Full_immediately_charges_the_new_price_and_starts_a_new_period()
    {
        Assert.Equal(new ProrationQuote(3000, 0, 1, true), Proration.Quote(ProrationModes.FullImmediately, 1000, 3000, Start, End, Start.AddDays(10)));
        Assert.Equal(new ProrationQuote(1000, 0, 1, true), Proration.Quote(ProrationModes.FullImmediately, 3000, 1000, Start, End, Start.AddDays(10)));
    }

    [Fact]
    public void Difference_immediately_ignores_the_time_left()
    {
        Assert.Equal(new ProrationQuote(2000, 0, 1, false), Proration.Quote(ProrationModes.DifferenceImmediately, 1000, 3000, Start, End, Start.AddDays(30)));
        Assert.Equal(new ProrationQuote(0, 2000, 1, false), Proration.Quote(ProrationModes.DifferenceImmediately, 3000, 1000, Start, End, Start.AddDays(1)));
    }

    [Fact]
    public void Do_not_bill_moves_no_money()
    {
        Assert.Equal(new ProrationQuote(0, 0, 0, false), Proration.Quote(ProrationModes.DoNotBill, 1000, 3000, Start, End, Start.AddDays(10)));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Proration.Quote("sometimes", 1, 2, Start, End, Start));
        Assert.Throws<ArgumentException>(() => Proration.Quote(ProrationModes.DoNotBill, 1, 2, End, Start, Start));
        Assert.Throws<ArgumentOutOfRangeException>(() => Proration.Quote(ProrationModes.DoNotBill, -1, 2, Start, End, Start));
    }

    [Fact]
    public void Monthly_periods_counted_from_the_anchor_return_to_the_31st()
    {
        var anchor = new DateTime(2026, 1, 31, 9, 30, 0, DateTimeKind.Utc);
        var starts = Enumerable.Range(0, 4).Select(k => BillingPeriods.PeriodStart(anchor, 1, "Month", k)).ToArray();
        Assert.Equal([anchor, new(2026, 2, 28, 9, 30, 0, DateTimeKind.Utc), new(2026, 3, 31, 9, 30, 0, DateTimeKind.Utc), new(2026, 4, 30, 9, 30, 0, DateTimeKind.Utc)], starts);
        Assert.Equal(anchor.AddDays(14), BillingPeriods.PeriodStart(anchor, 2, "Week", 1));
        Assert.Equal(new DateTime(2028, 2, 29, 0, 0, 0, DateTimeKind.Utc), BillingPeriods.Add(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), 4, "Year"));
    }
}
