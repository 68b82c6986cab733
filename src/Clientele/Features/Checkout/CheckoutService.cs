using System.Text.Json;
using Clientele.Features.Customers;
using Clientele.Features.Payments;
using Clientele.Features.Payments.Processor;
using Clientele.Primitives;

namespace Clientele.Features.Checkout;

/// <summary>What the payer typed on the hosted page. The card number lives only as long as this request.</summary>
public sealed record PayForm(string? Email, string? Name, string? Country, CardDetails Card);

public abstract record PayOutcome
{
    public sealed record Paid(string PaymentId) : PayOutcome;

    /// <summary>The card was refused (<c>card_declined</c>, <c>insufficient_funds</c>) or unusable (<c>invalid_number</c>, …).</summary>
    public sealed record Declined(string Code) : PayOutcome;

    public sealed record InProgress : PayOutcome;

    public sealed record AlreadyPaid(string? PaymentId) : PayOutcome;

    public sealed record Closed : PayOutcome;

    /// <summary>The processor did not answer; whether the card was charged is settled by the next visit (recovery).</summary>
    public sealed record ProcessorUnavailable : PayOutcome;
}

/// <summary>Pays a checkout session: tokenize, claim the session, charge, record. Shared by the page and recovery.</summary>
public sealed class CheckoutService(CheckoutStore sessions, CustomerStore customers, PaymentWriter payments, PaymentProcessors processors, TimeProvider clock, ILogger<CheckoutService> logger)
{
    /// <summary>An attempt this old with no charge at the processor is taken as never made.</summary>
    public static readonly TimeSpan AbandonedAttemptAge = TimeSpan.FromMinutes(2);

    public async Task<PayOutcome> PayAsync(CheckoutSession session, PayForm form, CancellationToken cancellationToken)
    {
        if (session.Status == "completed")
        {
            return new PayOutcome.AlreadyPaid(session.PaymentId);
        }
        if (processors.For(session.Tenant) is not { } processor || session.ExpiresAt <= clock.GetUtcNow().UtcDateTime || session.Status == "expired")
        {
            return new PayOutcome.Closed();
        }
        if (session.Status == "processing")
        {
            return new PayOutcome.InProgress();
        }
        try
        {
            var tokenized = await processor.TokenizeAsync(session.Tenant, form.Card, cancellationToken);
            if (tokenized is TokenizeResult.Rejected rejected)
            {
                return new PayOutcome.Declined(rejected.Code);
            }
            var card = ((TokenizeResult.Tokenized)tokenized).Card;
            if (await sessions.ClaimAsync(session, card, cancellationToken) is not { } attemptKey)
            {
                var now = await sessions.FindAsync(session.Id, cancellationToken);
                return now?.Status == "completed" ? new PayOutcome.AlreadyPaid(now.PaymentId) : new PayOutcome.InProgress();
            }
            var customerId = session.CustomerId ?? (await customers.CreateOrGetAsync(session.Tenant,
                new NewCustomer(form.Name ?? session.CustomerName ?? form.Email!, form.Email ?? session.CustomerEmail!, null, Platform.Api.Metadata.EmptyJson),
                cancellationToken)).Customer.Id;
            var billing = session.BillingAddress ?? new BillingAddress(form.Country!, null, null, null, null);
            var paymentId = await payments.EnsurePaymentAsync(session, customerId, billing, cancellationToken);
            var charge = session.TotalAmount == 0
                ? null
                : await processor.ChargeAsync(session.Tenant, new ChargeRequest(card.Token, Money.Of(session.TotalAmount, session.Currency), attemptKey), cancellationToken);
            var paid = await payments.FinishAsync(session, attemptKey, paymentId, customerId, card, charge, cancellationToken);
            return paid ? new PayOutcome.Paid(paymentId) : new PayOutcome.Declined(charge!.FailureCode ?? "card_declined");
        }
        catch (ProcessorUnavailableException)
        {
            logger.LogWarning("The processor did not answer for checkout session {SessionId}; the next visit settles the attempt", session.Id);
            return new PayOutcome.ProcessorUnavailable();
        }
    }

    /// <summary>
    /// Settles an attempt whose answer was lost: asks the processor by the attempt's idempotency key and
    /// records what happened, or gives the session back when no charge was made and it is old enough
    /// that none is still in flight. Returns the session as it now stands.
    /// </summary>
    public async Task<CheckoutSession> RecoverAsync(CheckoutSession session, CancellationToken cancellationToken)
    {
        if (session is not { Status: "processing", AttemptKey: { } attemptKey, AttemptCard: { } cardJson, PaymentId: { } paymentId } || processors.For(session.Tenant) is not { } processor)
        {
            return session;
        }
        try
        {
            var charge = await processor.FindChargeAsync(session.Tenant, attemptKey, cancellationToken);
            if (charge is not null)
            {
                var customerId = await payments.CustomerOfAsync(session.Tenant, paymentId, cancellationToken);
                await payments.FinishAsync(session, attemptKey, paymentId, customerId, JsonSerializer.Deserialize<CardToken>(cardJson, CheckoutJson.Options)!, charge, cancellationToken);
            }
            else if (session.AttemptStartedAt + AbandonedAttemptAge < clock.GetUtcNow().UtcDateTime)
            {
                await sessions.ReleaseAsync(session, attemptKey, cancellationToken);
            }
        }
        catch (ProcessorUnavailableException)
        {
            return session;
        }
        return await sessions.FindAsync(session.Id, cancellationToken) ?? session;
    }
}
