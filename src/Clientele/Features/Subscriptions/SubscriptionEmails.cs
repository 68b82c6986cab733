using System.Globalization;
using Clientele.Features.Checkout;
using Clientele.Features.Payments;
using Clientele.Features.Portal.Localization;
using Clientele.Platform;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions;

public enum SubscriptionEmailKind
{
    /// <summary>A renewal failed: the subscription is on hold until a payment method pays the dues.</summary>
    OnHold,
    Reactivated,
    PlanChanged,
    Cancelled,
    CancelScheduled,
    UpcomingRenewal,
}

/// <summary>
/// The customer's subscription e-mails, queued in the transaction that makes the change, in the
/// customer's portal language (else English). Each links to the business's portal login page,
/// where the customer signs in to act (update the card, revoke a cancellation). Payment receipts
/// are <see cref="PaymentEmails"/>'.
/// </summary>
public sealed class SubscriptionEmails(EmailOutbox outbox, IStringLocalizer<CheckoutText> text, IOptions<PublicUrlOptions> urls, ILogger<SubscriptionEmails> logger)
{
    public async Task QueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, SubscriptionEmailKind kind, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT c.email, c.name, c.portal_culture, b.name AS business_name, b.accent_color, p.name AS product_name,
                   s.recurring_pre_tax_amount AS amount, s.currency, s.next_billing_date
            FROM subscriptions s
            JOIN customers c ON c.id = s.customer_id
            JOIN businesses b ON b.id = s.business_id
            JOIN products p ON p.id = s.product_id
            WHERE s.id = @subscriptionId AND s.business_id = @businessId AND s.mode = @mode
            """, new { subscriptionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return;
        }
        var culture = PortalCultures.Resolve(row.PortalCulture);
        using var scope = CultureScope.Use(culture);
        var regional = CurrencyFormats.SpecificCulture(culture.Name);
        var amount = Currency.Find(row.Currency).Format(row.Amount, regional);
        var date = row.NextBillingDate.ToString("D", regional);
        var name = kind.ToString();
        var subject = text[$"Sub{name}Subject", row.ProductName, row.BusinessName, amount, date];
        var intro = text[$"Sub{name}Intro", row.ProductName, row.BusinessName, amount, date];
        var link = urls.Value.StaticLoginLink(tenant.BusinessId, tenant.Mode);
        var body = new CustomerEmailBody(subject, text["EmailGreeting", row.Name], [intro.Value], text["SubManageButton"], link, text["EmailKeep"], row.AccentColor, culture);
        var message = new EmailMessage("subscription_" + ToSnake(name), row.Email, subject, body.Text(), body.Html(), culture.Name, row.BusinessName);
        await outbox.EnqueueAsync(connection, transaction, EmailScope.For(tenant), message, cancellationToken);
        logger.LogInformation("Subscription e-mail {Kind} for {SubscriptionId} of {BusinessId} ({Mode}) queued in {Culture}", name, subscriptionId, tenant.BusinessId, tenant.ModeText, culture.Name);
    }

    private static string ToSnake(string name) => string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private sealed record Row(string Email, string Name, string? PortalCulture, string BusinessName, string? AccentColor, string ProductName, long Amount, string Currency, DateTime NextBillingDate);
}
