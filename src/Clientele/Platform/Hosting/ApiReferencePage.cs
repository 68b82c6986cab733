using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Clientele.Platform.Hosting;

/// <summary>
/// Scalar's reference page under the policy every page has (<see cref="PageSecurity"/>). Scalar's template
/// starts itself with one inline module script generated from our options, which <c>script-src 'self'</c>
/// blocks (the page stayed blank): that script is allowed by its SHA-256, never by <c>'unsafe-inline'</c>, and
/// the page may fetch our own document (<c>connect-src 'self'</c>). The template's <c>&lt;html&gt;</c> also has
/// no language, which screen readers need (axe-core's html-has-lang): it gets <c>lang="en"</c>.
/// </summary>
public static partial class ApiReferencePage
{
    public static IApplicationBuilder UseApiReferencePage(this IApplicationBuilder app, string path) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || !(request.Path.Equals(path, StringComparison.OrdinalIgnoreCase) || request.Path.Equals(path + "/", StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var bytes = buffer.ToArray();
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(bytes).Replace("<html>", "<html lang=\"en\">", StringComparison.Ordinal);
            var hashes = InlineScript().Matches(html).Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'");
            context.Response.Headers.ContentSecurityPolicy =
                PageSecurity.Policy.Replace("script-src 'self'", $"script-src 'self' {string.Join(' ', hashes)}", StringComparison.Ordinal) + "; connect-src 'self'";
            bytes = Encoding.UTF8.GetBytes(html);
            context.Response.ContentLength = bytes.Length;
        }
        await original.WriteAsync(bytes, context.RequestAborted);
    });

    /// <summary>
    /// Scalar's default theme puts muted text and the method badges below WCAG AA contrast (axe-core
    /// color-contrast): these are the same hues, darker on light and lighter on dark.
    /// </summary>
    public const string ContrastCss = """
        .light-mode { --scalar-color-2: #4f4f4f; --scalar-color-3: #595959; --scalar-color-green: #0b6b3a; --scalar-color-blue: #0b5cad;
          --scalar-color-orange: #9a4300; --scalar-color-red: #b3261e; --scalar-color-purple: #6b2fa8; --scalar-color-yellow: #6f5400; }
        .dark-mode { --scalar-color-2: #c4c4c4; --scalar-color-3: #b0b0b0; --scalar-color-green: #4fd18b; --scalar-color-blue: #7ab8ff;
          --scalar-color-orange: #ffaa66; --scalar-color-red: #ff8a80; --scalar-color-purple: #c9a2ff; --scalar-color-yellow: #f2d45c; }
        """;

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();
}
