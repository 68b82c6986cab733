using System.Xml;

namespace Clientele.Features.Dashboard.Settings;

/// <summary>An accepted logo: its type as its bytes say (never as the browser claims) and the bytes.</summary>
public sealed record LogoImage(string ContentType, byte[] Content);

/// <summary>
/// Checks an uploaded logo: at most <see cref="MaxBytes"/>; a PNG or JPEG by its magic bytes, or an SVG that
/// parses as XML (no DTD) with an <c>svg</c> root and nothing active in it — no script, event handler,
/// foreignObject, animation, external reference (<c>href</c> other than <c>#…</c>, <c>url(…)</c> other than
/// <c>url(#…)</c>, <c>@import</c>) or <c>javascript:</c>. An SVG with any of these is refused rather than
/// rewritten, so what is served is exactly what was checked.
/// </summary>
public static class LogoFile
{
    public const int MaxBytes = 512 * 1024;

    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Svg = "image/svg+xml";

    private static readonly System.Buffers.SearchValues<byte> Whitespace = System.Buffers.SearchValues.Create(" \t\r\n"u8);

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly HashSet<string> ActiveElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "foreignObject", "iframe", "embed", "object", "handler", "listener",
        "set", "animate", "animateMotion", "animateTransform", "animateColor", "discard",
    };

    /// <summary>The image, or the resource key of why it was refused.</summary>
    public static (LogoImage? Image, string? Error) Check(byte[] content)
    {
        if (content.Length == 0)
        {
            return (null, "SetErrLogoEmpty");
        }
        if (content.Length > MaxBytes)
        {
            return (null, "SetErrLogoTooLarge");
        }
        if (content.AsSpan().StartsWith(PngSignature))
        {
            return (new LogoImage(Png, content), null);
        }
        if (content.Length > 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF)
        {
            return (new LogoImage(Jpeg, content), null);
        }
        return LooksLikeXml(content)
            ? SafeSvg(content) ? (new LogoImage(Svg, content), null) : (null, "SetErrLogoUnsafeSvg")
            : (null, "SetErrLogoType");
    }

    private static bool LooksLikeXml(byte[] content)
    {
        var span = content.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }
        var start = span.IndexOfAnyExcept(Whitespace);
        return start >= 0 && span[start] == (byte)'<';
    }

    private static bool SafeSvg(byte[] content)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            MaxCharactersInDocument = MaxBytes * 2L,
        };
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var reader = XmlReader.Create(stream, settings);
            var sawRoot = false;
            var inStyle = false;
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (!sawRoot && reader.LocalName != "svg")
                        {
                            return false;
                        }
                        sawRoot = true;
                        if (ActiveElements.Contains(reader.LocalName) || !SafeAttributes(reader))
                        {
                            return false;
                        }
                        inStyle = reader.LocalName.Equals("style", StringComparison.OrdinalIgnoreCase) && !reader.IsEmptyElement;
                        break;
                    case XmlNodeType.EndElement:
                        inStyle = false;
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA:
                        if (inStyle && !SafeCss(reader.Value))
                        {
                            return false;
                        }
                        break;
                    case XmlNodeType.ProcessingInstruction:
                        return false;
                }
            }
            return sawRoot;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    private static bool SafeAttributes(XmlReader reader)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return true;
        }
        do
        {
            var name = reader.LocalName;
            var value = reader.Value;
            if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase)
                || (name.Equals("href", StringComparison.OrdinalIgnoreCase) && !value.TrimStart().StartsWith('#'))
                || value.Contains("javascript:", StringComparison.OrdinalIgnoreCase)
                || !SafeCss(value))
            {
                return false;
            }
        }
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
        return true;
    }

    /// <summary>CSS (a style element or attribute, or any attribute's value) refers only inside the document.</summary>
    private static bool SafeCss(string text)
    {
        if (text.Contains("@import", StringComparison.OrdinalIgnoreCase) || text.Contains("expression(", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var at = 0;
        while ((at = text.IndexOf("url(", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var target = text.AsSpan(at + 4).TrimStart().TrimStart("'\"").TrimStart();
            if (target.IsEmpty || target[0] != '#')
            {
                return false;
            }
            at += 4;
        }
        return true;
    }
}
