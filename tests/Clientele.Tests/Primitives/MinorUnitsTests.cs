using Clientele.Primitives;

namespace Clientele.Tests.Primitives;

public sealed class MinorUnitsTests
{
    [Theory]
    [InlineData(2997, 15, 450)]   // 449.55 → 450
    [InlineData(1000, 15, 150)]
    [InlineData(10, 15, 2)]       // 1.5 → 2 (half away from zero)
    [InlineData(10, 5, 1)]        // 0.5 → 1
    [InlineData(-10, 15, -2)]     // −1.5 → −2
    [InlineData(9, 10, 1)]        // 0.9 → 1
    [InlineData(3, 10, 0)]        // 0.3 → 0
    [InlineData(0, 50, 0)]
    [InlineData(long.MaxValue / 100, 100, long.MaxValue / 100)]
    public void Percent_rounds_half_away_from_zero(long amount, int percent, long expected) =>
        Assert.Equal(expected, MinorUnits.Percent(amount, percent));

    [Fact]
    public void Scale_is_exact_for_large_amounts_and_rounds_once()
    {
        Assert.Equal(333, MinorUnits.Scale(1000, 1, 3));
        Assert.Equal(667, MinorUnits.Scale(1000, 2, 3));
        Assert.Equal(long.MaxValue / 2 + 1, MinorUnits.Scale(long.MaxValue, 1, 2));
        Assert.Throws<OverflowException>(() => MinorUnits.Scale(long.MaxValue, 3, 2));
    }
}
