using System.Globalization;
using System.Net;

namespace Clientele.Features.Payments;

/// <summary>
/// A transactional e-mail's two parts from already-localized texts: plain text (the link spelled out)
/// and simple inline-styled HTML (mail clients ignore style sheets), with the link also printed in
/// full for clients that hide buttons.
/// </summary>
public sealed record CustomerEmailBody(string Subject, string Greeting, IReadOnlyList<string> Lines, string Button, string Link, string Footer, string? AccentColor, CultureInfo Culture)
{
    public string Text() => $"{Greeting}\n\n{string.Join("\n", Lines)}\n\n{Button}: {Link}\n\n{Footer}\n";

    public string Html()
    {
        var e = (Func<string, string>)WebUtility.HtmlEncode;
        var color = AccentColor ?? "#4f46e5";
        var lines = string.Concat(Lines.Select(l => $"<p>{e(l)}</p>"));
        return $"""
            <!doctype html>
            <html lang="{e(Culture.Name)}"><head><meta charset="utf-8"><title>{e(Subject)}</title></head>
            <body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">
            <p>{e(Greeting)}</p>
            {lines}
            <p><a href="{e(Link)}" style="display:inline-block;background:{e(color)};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">{e(Button)}</a></p>
            <p style="font-size:14px;color:#4b5563">{e(Footer)}</p>
            <p style="font-size:12px;color:#6b7280;word-break:break-all">{e(Link)}</p>
            </body></html>
            """;
    }
}
