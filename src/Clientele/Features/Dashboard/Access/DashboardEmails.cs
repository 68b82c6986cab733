using System.Globalization;
using System.Net;
using Clientele.Features.Dashboard.Localization;
using Clientele.Features.Portal.Localization;
using Clientele.Platform.Email;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Dashboard.Access;

/// <summary>The dashboard's e-mails (sign-in link, invitation), brand-neutral, in the recipient's language.</summary>
public sealed class DashboardEmails(IStringLocalizer<DashboardText> text, IStringLocalizer<PortalText> portalText)
{
    public const string SignInKind = "dashboard_sign_in_link";
    public const string InvitationKind = "dashboard_invitation";

    public EmailMessage SignInLink(string recipient, string link, TimeSpan lifetime, CultureInfo culture)
    {
        using var scope = CultureScope.Use(culture);
        return Render(SignInKind, recipient, culture, text["EmailSignInSubject"], text["EmailSignInIntro"], link, lifetime);
    }

    public EmailMessage Invitation(string recipient, string businessName, string role, string link, TimeSpan lifetime, CultureInfo culture)
    {
        using var scope = CultureScope.Use(culture);
        return Render(InvitationKind, recipient, culture, text["EmailInviteSubject", businessName], text["EmailInviteIntro", businessName, text["Role_" + role]], link, lifetime);
    }

    private EmailMessage Render(string kind, string recipient, CultureInfo culture, string subject, string intro, string link, TimeSpan lifetime)
    {
        var button = text["EmailSignInButton"].Value;
        var footer = text["EmailLinkFooter", Durations.Describe(portalText, lifetime)].Value;
        var ignore = text["EmailIgnore"].Value;
        var plain = $"{intro}\n\n{link}\n\n{footer}\n{ignore}\n";
        var e = (Func<string, string>)WebUtility.HtmlEncode;
        var html = $"""
            <!doctype html>
            <html lang="{e(culture.Name)}"><head><meta charset="utf-8"><title>{e(subject)}</title></head>
            <body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">
            <p>{e(intro)}</p>
            <p><a href="{e(link)}" style="display:inline-block;background:#4f46e5;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">{e(button)}</a></p>
            <p style="font-size:14px;color:#4b5563">{e(footer)}<br>{e(ignore)}</p>
            <p style="font-size:12px;color:#6b7280;word-break:break-all">{e(link)}</p>
            </body></html>
            """;
        return new EmailMessage(kind, recipient, subject, plain, html, culture.Name, "Clientele");
    }
}
