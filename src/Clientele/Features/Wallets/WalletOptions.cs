using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Wallets;

/// <summary>
/// Settings under <c>Wallets</c>. <c>UsdRates</c> maps a currency code to the US dollars one major
/// unit of it is worth, used only for the indicative <c>total_balance_usd</c>. Configured entries
/// add to or replace the built-in defaults (e.g. <c>Wallets__UsdRates__EUR=1.17</c>).
/// </summary>
public sealed class WalletOptions
{
    public const string Section = "Wallets";

    public Dictionary<string, decimal> UsdRates { get; set; } = DefaultUsdRates.Create();
}

/// <summary>Refuses to start with a rate for an unknown currency or a rate that is not positive.</summary>
public sealed class WalletOptionsValidator : IValidateOptions<WalletOptions>
{
    public ValidateOptionsResult Validate(string? name, WalletOptions options)
    {
        var problems = options.UsdRates
            .Where(rate => !Currency.TryFind(rate.Key, out _) || rate.Value <= 0)
            .Select(rate => $"Wallets:UsdRates:{rate.Key} = {rate.Value}: needs an uppercase ISO-4217 code and a positive rate.")
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
