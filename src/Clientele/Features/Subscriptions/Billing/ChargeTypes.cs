using System.Text.Json;
using Clientele.Primitives;

namespace Clientele.Features.Subscriptions.Billing;

public static class ChargeKinds
{
    public const string Initial = "initial";
    public const string Renewal = "renewal";
    public const string Dues = "dues";
    public const string PlanChange = "plan_change";
    public const string OnDemand = "on_demand";
}

/// <summary>
/// One charge to make for a subscription. <see cref="Amount"/> is the whole amount (wallet first,
/// then the card). <see cref="PlanChange"/> is applied on success (plan changes), and also on
/// failure when <see cref="ApplyOnFailure"/>; <see cref="DueOnFailure"/> makes a failed charge money
/// owed, paid when the subscription is reactivated.
/// </summary>
public sealed record ChargeRequestPlan(
    string Kind,
    long Amount,
    string LineProductId,
    string LineName,
    string? LineDescription,
    int LineQuantity,
    long LineUnitAmount,
    bool UseWallet,
    string? PaymentMethodId,
    string MetadataJson,
    DateTime? PeriodStart = null,
    PlanChangeOrder? PlanChange = null,
    bool ApplyOnFailure = false,
    bool DueOnFailure = false,
    string? IdempotencyKey = null)
{
    /// <summary>The charge's key with the processor: per period for renewals, the caller's key when given, else unique.</summary>
    public static string KeyOf(string subscriptionId, string kind, string callerKey) => $"sub:{subscriptionId}:{kind}:key:{callerKey}";
}

/// <summary>A plan change to apply when its charge is settled (stored as JSON on the charge).</summary>
public sealed record PlanChangeOrder(SubscriptionPlan Plan, bool ResetsCycle, string? MetadataJson);

/// <summary>A charge whose decision is recorded (payment in processing); the processor has not been asked yet.</summary>
public sealed record StartedCharge(string ChargeId, string PaymentId, Tenant Tenant, string IdempotencyKey, Money CardPart, string? Token);

public enum ChargeOutcome
{
    Succeeded,
    Failed,

    /// <summary>The processor did not answer; the recovery pass settles the charge later.</summary>
    Pending,
}

/// <summary>The plan change (if any) and failure policy stored with a charge.</summary>
public sealed record StoredPlanChange(PlanChangeOrder? Order, bool ApplyOnFailure, bool DueOnFailure);
