using PdfSharp.Fonts;

namespace Clientele.Features.Invoices;

/// <summary>
/// PDFsharp finds no system fonts on Linux, so invoices use DejaVu Sans from Debian's
/// fonts-dejavu-core package (the scripts install it). Embedded in each PDF, so text is extractable.
/// </summary>
public sealed class InvoiceFonts(string directory) : IFontResolver
{
    public const string Family = "DejaVu Sans";
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";

    private static readonly Lock Gate = new();
    private static bool installed;

    /// <summary>Installs the resolver once per process (PDFsharp's settings are global).</summary>
    public static void EnsureInstalled(string directory)
    {
        lock (Gate)
        {
            if (!installed)
            {
                GlobalFontSettings.FontResolver = new InvoiceFonts(directory);
                installed = true;
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName)
    {
        var path = Path.Combine(directory, faceName + ".ttf");
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"Invoice font {path} is missing; install Debian's fonts-dejavu-core (scripts/provision.sh does).", path);
    }
}
