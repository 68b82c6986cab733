using Clientele.Features.Businesses;

namespace Clientele.Pages.Checkout;

/// <summary>How the hosted pages look for one business: its name, logo and accent colour.</summary>
public sealed record Brand(string Name, string? LogoUrl, string? AccentColor, bool TestMode)
{
    public static Brand Of(Business business, bool testMode) => new(business.Name, business.LogoUrl, business.AccentColor, testMode);
}
