using Clientele.Features.Businesses;

namespace Clientele.Pages.Checkout;

/// <summary>How the hosted pages look for one business: its name, logo, accent colour and its privacy and terms links.</summary>
public sealed record Brand(string Name, string? LogoUrl, string? AccentColor, bool TestMode, string? PrivacyUrl = null, string? TermsUrl = null)
{
    public static Brand Of(Business business, bool testMode) => new(business.Name, business.LogoUrl, business.AccentColor, testMode, business.PrivacyUrl, business.TermsUrl);
}
