using Clientele.Features.Subscriptions.Billing;

namespace Clientele.Features.Subscriptions;

/// <summary>The reference's LineItem (type subscription) of a plan-change preview.</summary>
public sealed record PreviewLineItem(string Type, string Id, string ProductId, string? Name, string? Description, long UnitPrice, int Quantity,
    double ProrationFactor, bool TaxInclusive, string Currency, long? Tax, double? TaxRate);

/// <summary>
/// The reference's LineItemSummary. <c>total_amount</c> is what the change costs now;
/// <c>customer_credits</c> is the wallet movement: negative when wallet credit pays part of the
/// charge, positive when a downgrade credits the wallet.
/// </summary>
public sealed record PreviewSummary(string Currency, long TotalAmount, long SettlementAmount, string SettlementCurrency, long CustomerCredits, long? Tax, long? SettlementTax);

public sealed record ImmediateCharge(DateTime EffectiveAt, IReadOnlyList<PreviewLineItem> LineItems, PreviewSummary Summary);

public sealed record ChangePlanPreviewResponse(ImmediateCharge ImmediateCharge, SubscriptionResponse NewPlan);

/// <summary>The outcome of a plan change: its preview, and the payment made for it (if any) and how it went.</summary>
public sealed record PlanChangeAnswer(ChangePlanPreviewResponse Preview, string? PaymentId, ChargeOutcome? Outcome);

public static class PlanChangePreview
{
    public static ChangePlanPreviewResponse Build(Subscription subscription, SubscriptionPlan plan, ProrationQuote quote, bool scheduled, long walletUsed, DateTime now)
    {
        var effectiveAt = scheduled ? subscription.NextBillingDate : now;
        var line = new PreviewLineItem("subscription", subscription.Id, plan.ProductId, plan.ProductName, plan.ProductDescription, plan.UnitAmount, plan.Quantity,
            scheduled ? 0 : quote.ProrationFactor, plan.TaxInclusive, plan.Currency, null, null);
        var credits = quote.Credit > 0 ? quote.Credit : -walletUsed;
        var summary = new PreviewSummary(plan.Currency, quote.Charge, quote.Charge, plan.Currency, credits, null, null);
        var current = SubscriptionResponse.From(subscription);
        // The plan as it will be once the change takes effect (now, or at the next billing date).
        var newPlan = current with
        {
            ProductId = plan.ProductId,
            ProductName = plan.ProductName,
            Quantity = plan.Quantity,
            RecurringPreTaxAmount = plan.Amount,
            TaxInclusive = plan.TaxInclusive,
            PaymentFrequencyCount = plan.PaymentFrequencyCount,
            PaymentFrequencyInterval = plan.PaymentFrequencyInterval,
            SubscriptionPeriodCount = plan.SubscriptionPeriodCount,
            SubscriptionPeriodInterval = plan.SubscriptionPeriodInterval,
            PreviousBillingDate = quote.ResetsCycle ? now : subscription.PreviousBillingDate,
            NextBillingDate = quote.ResetsCycle ? BillingPeriods.Add(now, plan.PaymentFrequencyCount, plan.PaymentFrequencyInterval) : subscription.NextBillingDate,
        };
        return new ChangePlanPreviewResponse(new ImmediateCharge(effectiveAt, [line], summary), newPlan);
    }
}
