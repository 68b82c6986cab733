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
    /// <summary>License keys the message hands over (a receipt's), under <see cref="KeysTitle"/>; none by default.</summary>
    public IReadOnlyList<EmailKey> Keys { get; init; } = [];

    public string KeysTitle { get; init; } = "";

    public string Text() => $"{Greeting}\n\n{string.Join("\n", Lines)}\n{KeysText()}\n{Button}: {Link}\n\n{Footer}\n";

    private string KeysText() => Keys.Count == 0
        ? ""
        : $"\n{KeysTitle}\n{string.Concat(Keys.Select(k => $"\n{k.Heading}\n    {k.Key}\n    {k.Terms}\n"))}";

    private string KeysHtml(Func<string, string> e) => Keys.Count == 0
        ? ""
        : $"<h2 style=\"font-size:18px\">{e(KeysTitle)}</h2>" + string.Concat(Keys.Select(k =>
            $"<p>{e(k.Heading)}<br><code style=\"font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:16px;background:#f3f4f6;padding:2px 6px;border-radius:4px;word-break:break-all\">{e(k.Key)}</code><br><span style=\"font-size:14px;color:#4b5563\">{e(k.Terms)}</span></p>"));

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
            {KeysHtml(e)}
            <p><a href="{e(Link)}" style="display:inline-block;background:{e(color)};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">{e(Button)}</a></p>
            <p style="font-size:14px;color:#4b5563">{e(Footer)}</p>
            <p style="font-size:12px;color:#6b7280;word-break:break-all">{e(Link)}</p>
            </body></html>
            """;
    }
}

/// <summary>One license key in an e-mail: what it is for, the key, and its activation limit and expiry in words.</summary>
public sealed record EmailKey(string Heading, string Key, string Terms);
