using Clientele.Primitives;

namespace Clientele.Features.Portal.Sessions;

/// <summary>The business as the portal shows it (brand from the business settings).</summary>
public sealed record PortalBrand(string BusinessId, string Name, string? LogoUrl, string? AccentColor, string? SupportEmail, string? PrivacyUrl = null, string? TermsUrl = null);

/// <summary>A signed-in customer of one business in one mode: everything a portal page may show is theirs.</summary>
public sealed record PortalSession(
    string SessionId,
    Mode Mode,
    string CustomerId,
    string CustomerName,
    string CustomerEmail,
    string? CustomerPhone,
    string? ReturnUrl,
    string? UnifiedSessionId,
    DateTime ExpiresAt,
    PortalBrand Brand)
{
    public Tenant Tenant => new(Brand.BusinessId, Mode);
}
