using System.Globalization;
using Clientele.Features.LicenseKeys;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Checkout;

/// <summary>A purchased key's terms in words ("Activations: 2. Valid until: …"), the same on the receipt page and in the receipt e-mail.</summary>
public static class ReceiptKeyText
{
    public static string Terms(IStringLocalizer<CheckoutText> text, PurchasedKey key, CultureInfo culture) => text["ReceiptKeyTerms",
        key.ActivationsLimit is { } limit ? limit.ToString("N0", culture) : text["ReceiptKeyUnlimited"],
        key.ExpiresAt is { } expires ? expires.ToString("D", culture) : text["ReceiptKeyNoExpiry"]];
}
