using System.Globalization;
using System.Net;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform.Email;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Access;

/// <summary>The portal's e-mails, rendered in the recipient's language: a plain-text part and a simple HTML part.</summary>
public sealed class PortalEmails(IStringLocalizer<PortalText> text)
{
    public const string LoginKind = "portal_login_link";
    public const string EmailChangeKind = "portal_email_change";
    public const string UnifiedKind = "portal_unified_link";

    public EmailMessage LoginLink(PortalBrand brand, string recipient, string customerName, string link, TimeSpan lifetime, CultureInfo culture)
    {
        using var scope = CultureScope.Use(culture);
        return Render(LoginKind, recipient, brand.Name, brand.AccentColor, culture,
            subject: text["EmailLoginSubject", brand.Name],
            greeting: text["EmailGreeting", customerName],
            intro: text["EmailLoginIntro", brand.Name],
            button: text["EmailLoginButton"],
            link: link,
            footer: text["EmailLinkFooter", Durations.Describe(text, lifetime)]);
    }

    public EmailMessage EmailChange(PortalBrand brand, string recipient, string customerName, string link, TimeSpan lifetime, CultureInfo culture)
    {
        using var scope = CultureScope.Use(culture);
        return Render(EmailChangeKind, recipient, brand.Name, brand.AccentColor, culture,
            subject: text["EmailChangeSubject", brand.Name],
            greeting: text["EmailGreeting", customerName],
            intro: text["EmailChangeIntro", brand.Name],
            button: text["EmailChangeButton"],
            link: link,
            footer: text["EmailLinkFooter", Durations.Describe(text, lifetime)]);
    }

    public EmailMessage UnifiedLink(string recipient, string link, TimeSpan lifetime, CultureInfo culture)
    {
        using var scope = CultureScope.Use(culture);
        return Render(UnifiedKind, recipient, null, null, culture,
            subject: text["EmailUnifiedSubject"],
            greeting: text["EmailGreetingPlain"],
            intro: text["EmailUnifiedIntro"],
            button: text["EmailUnifiedButton"],
            link: link,
            footer: text["EmailLinkFooter", Durations.Describe(text, lifetime)]);
    }

    private EmailMessage Render(string kind, string recipient, string? businessName, string? accent, CultureInfo culture,
        string subject, string greeting, string intro, string button, string link, string footer)
    {
        var ignore = text["EmailIgnore"].Value;
        var plain = $"{greeting}\n\n{intro}\n\n{link}\n\n{footer}\n{ignore}\n";
        var color = accent ?? "#4f46e5";
        var e = (Func<string, string>)WebUtility.HtmlEncode;
        var html = $"""
            <!doctype html>
            <html lang="{e(culture.Name)}"><head><meta charset="utf-8"><title>{e(subject)}</title></head>
            <body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">
            <p>{e(greeting)}</p>
            <p>{e(intro)}</p>
            <p><a href="{e(link)}" style="display:inline-block;background:{e(color)};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">{e(button)}</a></p>
            <p style="font-size:14px;color:#4b5563">{e(footer)}<br>{e(ignore)}</p>
            <p style="font-size:12px;color:#6b7280;word-break:break-all">{e(link)}</p>
            </body></html>
            """;
        return new EmailMessage(kind, recipient, subject, plain, html, culture.Name, businessName);
    }
}
