using System.Globalization;
using Clientele.Primitives;

namespace Clientele.Tests.Primitives;

public sealed class CurrencyTests
{
    [Theory]
    [InlineData("USD", 2)]
    [InlineData("INR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    [InlineData("CLF", 4)]
    public void Knows_minor_unit_exponents(string code, int exponent) =>
        Assert.Equal(exponent, Currency.Find(code).Exponent);

    [Theory]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("XXX")]
    [InlineData("XAU")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_lowercase_unknown_and_non_money_codes(string? code) =>
        Assert.False(Currency.TryFind(code, out _));

    [Fact]
    public void Every_reference_currency_is_known()
    {
        const string reference = "AED ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BWP BYN BZD CAD CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD JMD JOD JPY KES KGS KHR KMF KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SZL THB TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW";
        Assert.All(reference.Split(' '), code => Assert.True(Currency.TryFind(code, out _), code));
    }

    [Theory]
    [InlineData("USD", 123450, "en-US", "$1,234.50")]
    [InlineData("JPY", 1235, "ja-JP", "￥1,235")]
    [InlineData("KWD", 1500, "en-US", "KWD\u00a01.500")]
    [InlineData("EUR", 123450, "it-IT", "1.234,50\u00a0€")]
    [InlineData("USD", 123450, "es", "1.234,50\u00a0USD")]
    public void Formats_minor_units_per_culture(string code, long minor, string culture, string expected) =>
        Assert.Equal(Spaces(expected), Spaces(Currency.Find(code).Format(minor, CultureInfo.GetCultureInfo(culture))));

    [Fact]
    public void A_specific_culture_is_built_once_per_name_and_cannot_be_changed()
    {
        var spanish = CurrencyFormats.SpecificCulture("es");
        Assert.Equal("es-ES", spanish.Name);
        Assert.True(spanish.IsReadOnly);
        Assert.Same(spanish, CurrencyFormats.SpecificCulture("es"));
        Assert.Equal("en-US", CurrencyFormats.SpecificCulture("en").Name);
    }

    [Fact]
    public void Formats_are_cached_per_culture_name_yet_a_callers_modified_culture_is_honoured()
    {
        var euros = Currency.Find("EUR");
        Assert.Equal(Spaces("1.234,50 €"), Spaces(euros.Format(123450, CultureInfo.GetCultureInfo("it-IT"))));
        var modified = (CultureInfo)CultureInfo.GetCultureInfo("it-IT").Clone();
        modified.NumberFormat.CurrencyGroupSeparator = "'";
        Assert.Equal(Spaces("1'234,50 €"), Spaces(euros.Format(123450, modified)));
        Assert.Equal(Spaces("1.234,50 €"), Spaces(euros.Format(123450, CultureInfo.GetCultureInfo("it-IT"))));
        Assert.Equal("$1,234.50", Currency.USD.Format(123450, CurrencyFormats.SpecificCulture("en")));
    }

    // ICU versions differ in which no-break space they put between number and symbol.
    private static string Spaces(string text) => text.Replace('\u202f', ' ').Replace('\u00a0', ' ');
}
