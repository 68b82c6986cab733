using System.Globalization;
using System.Text.RegularExpressions;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// CSS variables from a business's accent colour, keeping text readable (WCAG contrast ≥ 4.5:1):
/// text on the accent is white or near-black, whichever contrasts more; links use the accent only
/// when it is readable on white.
/// </summary>
public static partial class BrandStyle
{
    public const string DefaultAccent = "#4f46e5";

    public static string CssVariables(string? accent)
    {
        var color = accent is not null && Hex().IsMatch(accent) ? accent : DefaultAccent;
        var luminance = Luminance(color);
        var onAccent = Contrast(luminance, 1.0) >= Contrast(luminance, Luminance("#111827")) ? "#ffffff" : "#111827";
        var link = Contrast(luminance, 1.0) >= 4.5 ? color : "#1f2937";
        return $"--accent: {color}; --on-accent: {onAccent}; --link: {link};";
    }

    private static double Contrast(double a, double b) => (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);

    private static double Luminance(string hex)
    {
        double Channel(int offset)
        {
            var c = int.Parse(hex.AsSpan(offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(1)) + (0.7152 * Channel(3)) + (0.0722 * Channel(5));
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex Hex();
}
