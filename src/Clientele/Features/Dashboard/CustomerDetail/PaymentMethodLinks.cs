using System.Globalization;
using Clientele.Features.Dashboard.Localization;
using Clientele.Features.Payments;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Clientele.Features.Dashboard.CustomerDetail;

public abstract record SendLinkOutcome
{
    public sealed record Sent(string Email, DateTime? ExpiresOn) : SendLinkOutcome;

    /// <summary>The form's key was used already: the e-mail went with the first submit.</summary>
    public sealed record AlreadySent : SendLinkOutcome;

    public sealed record Refused(SubscriptionFailure Failure) : SendLinkOutcome;
}

/// <summary>
/// Sends a subscription's customer a link to update its payment method: the API's own
/// <see cref="UpdatePaymentMethod"/> (<c>type: new</c>) makes the hosted page (with the dues of an on_hold
/// subscription), then the e-mail is queued in the transaction that claims the form's key, so a double
/// submit sends one e-mail. The e-mail is in the customer's portal language.
/// </summary>
public sealed class PaymentMethodLinks(NpgsqlDataSource dataSource, UpdatePaymentMethod updatePaymentMethod, EmailOutbox outbox, EmailDispatchSignal mailSignal,
    IStringLocalizer<DashboardText> text, TimeProvider clock)
{
    public async Task<SendLinkOutcome> SendAsync(Tenant tenant, Subscription subscription, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (await UsedAsync(tenant, idempotencyKey, cancellationToken))
        {
            return new SendLinkOutcome.AlreadySent();
        }
        var made = await updatePaymentMethod.RunAsync(tenant, subscription.Id, new UpdatePaymentMethodInput("new", null, null), cancellationToken);
        if (made.Failure is { } failure)
        {
            return new SendLinkOutcome.Refused(failure);
        }
        var link = made.Value.PaymentLink!;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO form_action_keys (business_id, mode, idempotency_key, action, object_id, created_at)
            VALUES (@businessId, @mode, @key, 'send_payment_method_link', @subscriptionId, @now)
            ON CONFLICT DO NOTHING
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, key = idempotencyKey, subscriptionId = subscription.Id, now = clock.GetUtcNow().UtcDateTime },
            transaction, cancellationToken: cancellationToken));
        if (claimed == 0)
        {
            return new SendLinkOutcome.AlreadySent();
        }
        var row = await connection.QuerySingleAsync<(string Email, string Name, string? PortalCulture, string BusinessName, string? AccentColor)>(new CommandDefinition("""
            SELECT c.email, c.name, c.portal_culture, b.name, b.accent_color FROM customers c JOIN businesses b ON b.id = c.business_id
            WHERE c.id = @customerId AND c.business_id = @businessId AND c.mode = @mode
            """, new { customerId = subscription.CustomerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        var culture = PortalCultures.Resolve(row.PortalCulture);
        EmailMessage message;
        using (CultureScope.Use(culture))
        {
            var subject = text["DetPmLinkSubject", subscription.ProductName, row.BusinessName].Value;
            var body = new CustomerEmailBody(subject, text["DetPmLinkGreeting", row.Name], [text["DetPmLinkIntro", subscription.ProductName, row.BusinessName].Value],
                text["DetPmLinkButton"], link, text["DetPmLinkFooter"], row.AccentColor, culture);
            message = new EmailMessage("subscription_payment_method_link", row.Email, subject, body.Text(), body.Html(), culture.Name, row.BusinessName);
        }
        await outbox.EnqueueAsync(connection, transaction, EmailScope.For(tenant), message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
        return new SendLinkOutcome.Sent(row.Email, made.Value.ExpiresOn);
    }

    private async Task<bool> UsedAsync(Tenant tenant, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM form_action_keys WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @key)",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, key }, cancellationToken: cancellationToken));
    }
}

/// <summary>The customer detail's services.</summary>
public static class CustomerDetailServices
{
    public static IServiceCollection AddCustomerDetail(this IServiceCollection services) =>
        services.AddSingleton<CustomerPayments>().AddSingleton<CustomerSubscriptions>().AddSingleton<PaymentMethodLinks>();
}
