using System.Globalization;
using Clientele.Primitives;

namespace Clientele.Features.Dashboard.Settings;

/// <summary>What the branding form asks for, as typed.</summary>
public sealed record BrandingForm(string? Name, string? AccentColor, string? SupportEmail, string? PrivacyUrl, string? TermsUrl);

/// <summary>Valid branding, ready to store (empty optional fields are null).</summary>
public sealed record BrandingValues(string Name, string? AccentColor, string? SupportEmail, string? PrivacyUrl, string? TermsUrl);

/// <summary>
/// The rules of the branding form, written once: the name, an accent colour <c>#rrggbb</c> readable on the
/// portal's light pages (contrast ≥ 3:1 against white, else refused) and, where it is not readable on the
/// dark pages, a warning; a support e-mail; privacy and terms links that are absolute https URLs.
/// Errors and warnings are resource keys (DashboardText) by field.
/// </summary>
public static class BrandingRules
{
    public const int MaxNameLength = 200;
    public const int MaxUrlLength = 2048;
    public const double MinimumContrast = 3.0;

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The portal's backgrounds in light and dark colours (portal.css: --surface).</summary>
    public const string LightBackground = "#ffffff";
    public const string DarkBackground = "#1e293b";

    public static (BrandingValues? Values, IReadOnlyDictionary<string, string> Errors, IReadOnlyDictionary<string, string> Warnings) Validate(BrandingForm form)
    {
        var errors = new Dictionary<string, string>();
        var warnings = new Dictionary<string, string>();
        var name = form.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors["Name"] = "SetErrNameRequired";
        }
        else if (name.Length > MaxNameLength)
        {
            errors["Name"] = "SetErrNameTooLong";
        }
        var accent = Blank(form.AccentColor)?.ToLowerInvariant();
        if (accent is not null)
        {
            if (!IsHexColor(accent))
            {
                errors["AccentColor"] = "SetErrColorFormat";
            }
            else if (Contrast(accent, LightBackground) < MinimumContrast)
            {
                errors["AccentColor"] = "SetErrColorContrastLight";
            }
            else if (Contrast(accent, DarkBackground) < MinimumContrast)
            {
                warnings["AccentColor"] = "SetWarnColorContrastDark";
            }
        }
        var email = Blank(form.SupportEmail);
        if (email is not null && EmailAddress.Normalize(email) is null)
        {
            errors["SupportEmail"] = "SetErrEmail";
        }
        var privacy = Url(form.PrivacyUrl, "PrivacyUrl", errors);
        var terms = Url(form.TermsUrl, "TermsUrl", errors);
        return errors.Count > 0
            ? (null, errors, warnings)
            : (new BrandingValues(name, accent, email, privacy, terms), errors, warnings);
    }

    public static bool IsHexColor(string text) =>
        text.Length == 7 && text[0] == '#' && text.AsSpan(1).IndexOfAnyExcept(HexDigits) < 0;

    /// <summary>WCAG 2 contrast ratio of two <c>#rrggbb</c> colours (1 to 21).</summary>
    public static double Contrast(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(string hex)
    {
        double Channel(int offset)
        {
            var c = int.Parse(hex.AsSpan(offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(1)) + (0.7152 * Channel(3)) + (0.0722 * Channel(5));
    }

    private static string? Url(string? text, string field, Dictionary<string, string> errors)
    {
        var value = Blank(text);
        if (value is null)
        {
            return null;
        }
        if (value.Length > MaxUrlLength || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
            || string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0)
        {
            errors[field] = "SetErrUrl";
            return null;
        }
        return uri.AbsoluteUri;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
