using System.Globalization;

namespace Clientele.Features.Portal.Localization;

/// <summary>Renders in another culture for a moment (an e-mail in the recipient's language), then restores.</summary>
public readonly struct CultureScope : IDisposable
{
    private readonly CultureInfo culture;
    private readonly CultureInfo uiCulture;

    private CultureScope(CultureInfo target)
    {
        culture = CultureInfo.CurrentCulture;
        uiCulture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentCulture = target;
        CultureInfo.CurrentUICulture = target;
    }

    public static CultureScope Use(CultureInfo target) => new(target);

    public void Dispose()
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = uiCulture;
    }
}
