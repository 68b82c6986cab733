using System.Numerics;
using Clientele.Features.Wallets;
using Clientele.Primitives;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clientele.Tests.Wallets;

public sealed class UsdTotalTests
{
    private static readonly Dictionary<string, decimal> Rates = new()
    {
        ["USD"] = 1m,
        ["INR"] = 0.0113m,
        ["JPY"] = 0.0065m,
        ["KWD"] = 3.26m,
        ["EUR"] = 1.005m,
    };

    private static long Total(params (string Code, long Balance)[] balances) =>
        UsdTotal.Compute(balances.Select(b => (Currency.Find(b.Code), b.Balance)), Rates);

    [Theory]
    [InlineData("USD", 1234, 1234)]
    [InlineData("INR", 100_000, 1130)]  // ₹1,000.00 × 0.0113 = $11.30
    [InlineData("JPY", 1000, 650)]      // ¥1,000 × 0.0065 = $6.50 (JPY has no minor unit)
    [InlineData("KWD", 1000, 326)]      // 1.000 KWD × 3.26 = $3.26 (three decimals)
    [InlineData("JPY", 1, 1)]           // $0.0065 rounds up to one cent
    [InlineData("EUR", 10, 10)]         // 10.05 cents rounds down
    [InlineData("EUR", 100, 101)]       // 100.5 cents: half away from zero
    public void Converts_each_currency_using_its_own_exponent(string code, long balance, long cents) =>
        Assert.Equal(cents, Total((code, balance)));

    [Fact]
    public void Rounds_once_at_the_end_not_per_wallet()
    {
        // 40.2 + 0.339 = 40.539 cents → 41 (rounding each first would give 40 + 0).
        Assert.Equal(41, Total(("EUR", 40), ("INR", 30)));
        // 0.65 + 0.678 = 1.328 cents → 1 (rounding each first would give 1 + 1).
        Assert.Equal(1, Total(("JPY", 1), ("INR", 60)));
    }

    [Fact]
    public void Currencies_without_a_rate_are_left_out_and_reported()
    {
        var unrated = new List<string>();
        var total = UsdTotal.Compute([(Currency.USD, 100), (Currency.Find("XOF"), 5000), (Currency.Find("BRL"), 0)], Rates, unrated);
        Assert.Equal(100, total);
        Assert.Equal(["XOF"], unrated);
    }

    [Fact]
    public void Huge_balances_saturate_instead_of_overflowing()
    {
        Assert.Equal(long.MaxValue, Total(("KWD", long.MaxValue), ("USD", long.MaxValue)));
    }

    [Theory]
    [InlineData(5, 2, 3)]
    [InlineData(7, 2, 4)]
    [InlineData(-5, 2, -3)]
    [InlineData(-7, 2, -4)]
    [InlineData(14, 10, 1)]
    [InlineData(15, 10, 2)]
    [InlineData(-15, 10, -2)]
    public void Rounding_is_half_away_from_zero(long numerator, long denominator, long expected) =>
        Assert.Equal(new BigInteger(expected), UsdTotal.RoundHalfAwayFromZero(numerator, denominator));

    [Fact]
    public void Configured_rates_add_to_and_override_the_defaults()
    {
        var options = Bind(new() { ["Wallets:UsdRates:EUR"] = "1.25", ["Wallets:UsdRates:XOF"] = "0.0017" });
        Assert.Equal(1.25m, options.UsdRates["EUR"]);
        Assert.Equal(0.0017m, options.UsdRates["XOF"]);
        Assert.Equal(0.0113m, options.UsdRates["INR"]);
        Assert.Equal(1m, options.UsdRates["USD"]);
    }

    [Theory]
    [InlineData("Wallets:UsdRates:EUR", "0")]
    [InlineData("Wallets:UsdRates:EUR", "-1")]
    [InlineData("Wallets:UsdRates:eur", "1.1")]
    [InlineData("Wallets:UsdRates:ABC", "1.1")]
    public void Bad_rates_stop_the_server_from_starting(string key, string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_default_rate_names_a_known_currency()
    {
        Assert.All(new WalletOptions().UsdRates, rate =>
        {
            Assert.True(Currency.TryFind(rate.Key, out _), rate.Key);
            Assert.True(rate.Value > 0, rate.Key);
        });
    }

    private static WalletOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<WalletOptions>().BindConfiguration(WalletOptions.Section);
        services.AddSingleton<IValidateOptions<WalletOptions>, WalletOptionsValidator>();
        return services.BuildServiceProvider().GetRequiredService<IOptions<WalletOptions>>().Value;
    }
}
