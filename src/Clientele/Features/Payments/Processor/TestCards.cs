namespace Clientele.Features.Payments.Processor;

/// <summary>The well-known test card numbers and what the test processor does with each.</summary>
public static class TestCards
{
    public const string Succeed = "succeed";
    public const string Declined = "card_declined";
    public const string InsufficientFunds = "insufficient_funds";

    /// <summary>The first charge succeeds (so the card gets saved); every later charge is declined.</summary>
    public const string SucceedOnce = "succeed_once";

    private static readonly Dictionary<string, (string Network, string Behaviour)> Cards = new(StringComparer.Ordinal)
    {
        ["4242424242424242"] = ("Visa", Succeed),
        ["4000000000000002"] = ("Visa", Declined),
        ["4000000000009995"] = ("Visa", InsufficientFunds),
        ["4000000000000341"] = ("Visa", SucceedOnce),
        ["5555555555554444"] = ("Mastercard", Succeed),
    };

    public static bool TryFind(string number, out string network, out string behaviour)
    {
        var found = Cards.TryGetValue(number, out var card);
        (network, behaviour) = found ? card : ("", "");
        return found;
    }

    /// <summary>Digits only (spaces and dashes people type are removed), or null when anything else is there.</summary>
    public static string? Normalize(string? input)
    {
        var digits = (input ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length is >= 12 and <= 19 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }
}
