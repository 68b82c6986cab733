using System.Globalization;
using Clientele.Features.Businesses;
using Clientele.Features.Checkout;
using Clientele.Features.Payments.Processor;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Clientele.Platform;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Checkout;

/// <summary>
/// The hosted payment page. Works without JavaScript; antiforgery is validated on every POST by
/// Razor Pages. The card number is read from the form, handed to the processor and never echoed back.
/// </summary>
public sealed class PayModel(
    CheckoutStore sessions, CheckoutService checkout, BusinessStore businesses, SubscriptionStore subscriptions,
    IOptions<PublicUrlOptions> urls, IStringLocalizer<CheckoutText> text, IStringLocalizer<PortalText> portalText) : PageModel
{
    /// <summary>
    /// For a session that starts a subscription, the automatic-renewal disclosure shown before the Pay
    /// button: what renews, at what price and interval, when next, any trial, and how to cancel.
    /// </summary>
    public IReadOnlyList<string> RenewalTerms { get; private set; } = [];

    public CheckoutSession Session { get; private set; } = null!;

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>The decline or status message shown above the form, announced by screen readers.</summary>
    public string? Problem { get; private set; }

    public bool Refresh { get; private set; }

    public bool NeedsCustomer => Session.CustomerId is null && Session.CustomerEmail is null;

    public bool NeedsName => Session.CustomerId is null && Session.CustomerName is null;

    public bool NeedsCountry => Session.Billing is null;

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Country { get; set; }

    [BindProperty]
    public string? CardholderName { get; set; }

    public string FormatMoney(long amount) => Currency.Find(Session.Currency).Format(amount, CultureInfo.CurrentCulture);

    public async Task<IActionResult> OnGetAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(sessionId, cancellationToken))
        {
            return NotFound();
        }
        Session = await checkout.RecoverAsync(Session, cancellationToken);
        if (Session.Status == "completed")
        {
            return Finished(Session.PaymentId);
        }
        if (Session.Status == "processing")
        {
            Problem = text["InProgress"];
            Refresh = true;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string sessionId, [FromForm] string? cardNumber, [FromForm] string? expiry, [FromForm] string? cvc, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(sessionId, cancellationToken))
        {
            return NotFound();
        }
        var card = ReadCard(cardNumber, expiry, cvc);
        var email = NeedsCustomer ? EmailAddress.Normalize(Email) : null;
        if (NeedsCustomer && email is null)
        {
            Errors["email"] = text["EmailInvalid"];
        }
        if (NeedsName && string.IsNullOrWhiteSpace(Name))
        {
            Errors["name"] = text["NameRequired"];
        }
        var country = Country?.Trim().ToUpperInvariant();
        if (NeedsCountry && (country is not { Length: 2 } || !country.All(char.IsAsciiLetterUpper)))
        {
            Errors["country"] = text["CountryInvalid"];
        }
        if (Errors.Count > 0 || card is null)
        {
            return Page();
        }
        var outcome = await checkout.PayAsync(Session, new PayForm(email, Name?.Trim(), country, card), cancellationToken);
        switch (outcome)
        {
            case PayOutcome.Paid paid:
                return Finished(paid.PaymentId);
            case PayOutcome.AlreadyPaid already:
                return Finished(already.PaymentId);
            case PayOutcome.Declined declined:
                Problem = DeclineText(declined.Code);
                break;
            case PayOutcome.InProgress:
                Problem = text["InProgress"];
                Refresh = true;
                break;
            case PayOutcome.ProcessorUnavailable:
                Problem = text["Unavailable"];
                break;
            default:
                Problem = text["Closed"];
                break;
        }
        return Page();
    }

    private List<string> Renewal(Subscription subscription, string businessName)
    {
        var culture = CultureInfo.CurrentCulture;
        var terms = new List<string>
        {
            text["RenewalTerms", SubscriptionText.Price(portalText, subscription, culture), SubscriptionText.Date(subscription.NextBillingDate, culture)],
        };
        if (subscription.TrialPeriodDays > 0)
        {
            terms.Add(text["RenewalTrial", subscription.TrialPeriodDays]);
        }
        terms.Add(text["RenewalCancel", urls.Value.StaticLoginLink(subscription.BusinessId, ModeText.Parse(subscription.Mode)), businessName]);
        return terms;
    }

    private string DeclineText(string code)
    {
        var message = text["Decline_" + code];
        return message.ResourceNotFound ? text["Decline_other"] : message;
    }

    private CardDetails? ReadCard(string? cardNumber, string? expiry, string? cvc)
    {
        if (TestCards.Normalize(cardNumber) is not { } number || !TestCards.PassesLuhn(number))
        {
            Errors["card_number"] = text["CardNumberInvalid"];
        }
        var (month, year) = ParseExpiry(expiry);
        if (month == 0)
        {
            Errors["expiry"] = text["ExpiryInvalid"];
        }
        var code = cvc?.Trim();
        if (code is not { Length: 3 or 4 } || !code.All(char.IsAsciiDigit))
        {
            Errors["cvc"] = text["CvcInvalid"];
        }
        if (string.IsNullOrWhiteSpace(CardholderName))
        {
            Errors["cardholder_name"] = text["CardholderRequired"];
        }
        return Errors.Count > 0 ? null : new CardDetails(cardNumber!, month, year, code!, CardholderName!.Trim());
    }

    /// <summary>MM/YY or MM/YYYY (spaces allowed); (0, 0) when unreadable.</summary>
    private static (int Month, int Year) ParseExpiry(string? text)
    {
        var parts = (text ?? "").Replace(" ", "", StringComparison.Ordinal).Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12
            && parts[1].Length is 2 or 4 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            return (month, parts[1].Length == 2 ? 2000 + year : year);
        }
        return (0, 0);
    }

    private RedirectResult Finished(string? paymentId)
    {
        if (Session.ReturnUrl is { } returnUrl && paymentId is not null)
        {
            var separator = returnUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            return Redirect($"{returnUrl}{separator}payment_id={Uri.EscapeDataString(paymentId)}&status=succeeded");
        }
        return Redirect($"{Request.PathBase}{Request.Path.Value!.TrimEnd('/')}/receipt");
    }

    private async Task<bool> LoadAsync(string sessionId, CancellationToken cancellationToken)
    {
        // The URL is the capability: keep it out of caches and referrers.
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        Response.Headers["Referrer-Policy"] = "no-referrer";
        if (await sessions.FindAsync(sessionId, cancellationToken) is not { } session || await businesses.FindAsync(session.BusinessId, cancellationToken) is not { } business)
        {
            return false;
        }
        Session = session;
        if (session.ReturnUrl is { } returnUrl && Uri.TryCreate(returnUrl, UriKind.Absolute, out var target))
        {
            // Paying ends in a redirect to the merchant; the form-action policy must let that one through.
            Response.Headers.ContentSecurityPolicy = Platform.Hosting.PageSecurity.PolicyAllowingFormTarget(target);
        }
        ViewData["Brand"] = Brand.Of(business, session.Mode == "test");
        ViewData["Title"] = (session.SavesCardOnly ? text["SaveCardTitle"] : text["Title"]).Value;
        if (session is { Purpose: "subscription", SubscriptionId: { } subscriptionId }
            && await subscriptions.FindAsync(session.Tenant, subscriptionId, cancellationToken) is { } subscription)
        {
            RenewalTerms = Renewal(subscription, business.Name);
        }
        return true;
    }
}
