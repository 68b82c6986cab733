using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Localization;

/// <summary>
/// The reasons the engine itself writes on wallet entries (stored in English, as the API returns them),
/// read to the customer in their language. A reason a merchant typed is shown as typed.
/// </summary>
public static partial class SystemReasons
{
    public static string Localize(IStringLocalizer<PortalText> t, string reason)
    {
        if (reason == "Subscription payment")
        {
            return t["ReasonSubscriptionPayment"];
        }
        if (reason == "The card payment failed; the wallet part is given back")
        {
            return t["ReasonWalletPartReturned"];
        }
        return UnusedTime().Match(reason) is { Success: true } match ? t["ReasonUnusedTime", match.Groups[1].Value] : reason;
    }

    // Written by ChangePlan when a downgrade credits the unused time to the wallet.
    [GeneratedRegex("^Unused time on (.+) after a plan change$")]
    private static partial Regex UnusedTime();
}
