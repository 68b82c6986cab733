namespace Clientele.Features.Wallets;

/// <summary>
/// Built-in indicative rates: US dollars per major unit. Pegged currencies use their official peg;
/// the others are rounded approximations of late-2025 mid-market rates, written down by hand (not
/// fetched from a feed). Good enough for an at-a-glance total, never for settlement: operators who
/// care set their own under <c>Wallets:UsdRates</c>. Currencies missing here count as zero.
/// </summary>
internal static class DefaultUsdRates
{
    public static Dictionary<string, decimal> Create() => new(StringComparer.Ordinal)
    {
        ["USD"] = 1m,
        // Pegs: 1 USD = 3.6725 AED, 3.75 SAR, 3.64 QAR, 0.376 BHD, 0.3845 OMR, 0.709 JOD, 7.80 HKD (band centre), 2.70 XCD.
        ["AED"] = 0.27229408m,
        ["SAR"] = 0.26666667m,
        ["QAR"] = 0.27472527m,
        ["BHD"] = 2.65957447m,
        ["OMR"] = 2.60078023m,
        ["JOD"] = 1.41043724m,
        ["HKD"] = 0.12820513m,
        ["XCD"] = 0.37037037m,
        ["BMD"] = 1m,
        ["BSD"] = 1m,
        ["PAB"] = 1m,
        // Floating (approximate).
        ["EUR"] = 1.16m,
        ["GBP"] = 1.32m,
        ["CHF"] = 1.25m,
        ["JPY"] = 0.0065m,
        ["INR"] = 0.0113m,
        ["CNY"] = 0.14m,
        ["CAD"] = 0.71m,
        ["AUD"] = 0.65m,
        ["NZD"] = 0.57m,
        ["SGD"] = 0.77m,
        ["SEK"] = 0.105m,
        ["NOK"] = 0.099m,
        ["DKK"] = 0.155m,
        ["PLN"] = 0.27m,
        ["CZK"] = 0.047m,
        ["HUF"] = 0.0029m,
        ["ILS"] = 0.30m,
        ["TRY"] = 0.024m,
        ["KWD"] = 3.26m,
        ["ZAR"] = 0.057m,
        ["EGP"] = 0.021m,
        ["NGN"] = 0.00068m,
        ["KES"] = 0.0077m,
        ["BRL"] = 0.185m,
        ["MXN"] = 0.054m,
        ["CLP"] = 0.00105m,
        ["COP"] = 0.00026m,
        ["PEN"] = 0.29m,
        ["KRW"] = 0.00069m,
        ["TWD"] = 0.032m,
        ["THB"] = 0.031m,
        ["MYR"] = 0.24m,
        ["IDR"] = 0.00006m,
        ["PHP"] = 0.017m,
        ["VND"] = 0.000038m,
        ["PKR"] = 0.0035m,
        ["BDT"] = 0.0082m,
        ["LKR"] = 0.0033m,
        ["NPR"] = 0.0071m,
    };
}
