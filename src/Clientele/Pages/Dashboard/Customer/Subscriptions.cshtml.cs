using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Billing;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/subscriptions</c>: the customer's subscriptions and what the API lets a
/// merchant do to them — each action is the API's operation (PATCH, charge, update-payment-method, and in
/// test mode the renewal engine's "renew one now"), its body read by the API's parser, its refusal mapped
/// once (<see cref="SubscriptionFailureText"/>). Another customer's or business's subscription is 404.
/// </summary>
public sealed partial class SubscriptionsModel(
    CustomerSubscriptions subscriptions,
    UpdateSubscription updateSubscription,
    ChargeSubscription chargeSubscription,
    PaymentMethodLinks paymentMethodLinks,
    RenewalRunner renewals) : CustomerPageModel
{
    private static readonly string[] Notices =
    [
        "DetSubDone_cancelled", "DetSubDone_cancel_scheduled", "DetSubDone_cancel_revoked", "DetSubDone_paused", "DetSubDone_resumed",
        "DetSubDone_charged", "DetSubDone_charge_failed", "DetSubDone_link_sent", "DetSubDone_renewed", "DetSubDone_renewal_declined",
        "DetSubDone_renewal_pending", "DetSubDone_ended", "DetSubDone_plan_changed",
    ];

    public override CustomerTab Tab => CustomerTab.Subscriptions;

    public CustomerSubscriptionList List { get; private set; } = null!;

    public bool IsTestMode => Dashboard.Mode == Mode.Test;

    public string? Notice { get; private set; }

    public string? NoticeSubscription { get; private set; }

    /// <summary>The subscription a refusal is about, the resource key or the operation's words, and the field (charge form).</summary>
    public string? ErrorSubscription { get; private set; }

    public string? Error { get; private set; }

    public string? ErrorField { get; private set; }

    /// <summary>Fresh per rendering: the charge and link forms' idempotency key.</summary>
    public string FormKey { get; } = Guid.NewGuid().ToString("N");

    [BindProperty]
    public string? Subscription { get; set; }

    public async Task OnGetAsync(string? notice, string? sub, CancellationToken cancellationToken)
    {
        Notice = Notices.Contains(notice) ? notice : null;
        NoticeSubscription = Notice is null ? null : sub;
        List = await subscriptions.ListAsync(Dashboard.Tenant, Customer.Id, cancellationToken);
    }

    [RequirePermission(DashboardPermission.EditData)]
    public Task<IActionResult> OnPostCancelNowAsync(CancellationToken cancellationToken) =>
        PatchAsync(new JsonObject { ["status"] = "cancelled", ["cancel_reason"] = "cancelled_by_merchant" }, "DetSubDone_cancelled", cancellationToken);

    [RequirePermission(DashboardPermission.EditData)]
    public Task<IActionResult> OnPostCancelAtPeriodEndAsync(CancellationToken cancellationToken) =>
        PatchAsync(new JsonObject { ["cancel_at_next_billing_date"] = true, ["cancel_reason"] = "cancelled_by_merchant" }, "DetSubDone_cancel_scheduled", cancellationToken);

    [RequirePermission(DashboardPermission.EditData)]
    public Task<IActionResult> OnPostRevokeCancelAsync(CancellationToken cancellationToken) =>
        PatchAsync(new JsonObject { ["cancel_at_next_billing_date"] = false }, "DetSubDone_cancel_revoked", cancellationToken);

    [RequirePermission(DashboardPermission.EditData)]
    public Task<IActionResult> OnPostPauseAsync(CancellationToken cancellationToken) =>
        PatchAsync(new JsonObject { ["pause"] = true }, "DetSubDone_paused", cancellationToken);

    [RequirePermission(DashboardPermission.EditData)]
    public Task<IActionResult> OnPostResumeAsync(CancellationToken cancellationToken) =>
        PatchAsync(new JsonObject { ["pause"] = false }, "DetSubDone_resumed", cancellationToken);

    [RequirePermission(DashboardPermission.EditData)]
    public async Task<IActionResult> OnPostChargeAsync([FromForm] string? amount, [FromForm] string? currency, [FromForm] string? key, CancellationToken cancellationToken)
    {
        if (await FindAsync(cancellationToken) is not { } subscription)
        {
            return NotFound();
        }
        if (!IsKey(key))
        {
            return BadRequest();
        }
        var code = currency?.Trim().ToUpperInvariant() ?? "";
        var body = new JsonObject { ["product_currency"] = code };
        if (Currency.TryFind(code, out var found))
        {
            if (!MajorAmount.TryParse(amount, found, CultureInfo.CurrentCulture, out var minor))
            {
                return await RefusedAsync(subscription.Id, "DetChargeAmountInvalid", "amount", StatusCodes.Status422UnprocessableEntity, cancellationToken);
            }
            body["product_price"] = minor;
        }
        var parsed = JsonBody.Of(JsonSerializer.SerializeToElement(body));
        if (SubscriptionInput.ParseCharge(parsed) is not { } input)
        {
            var error = parsed.Errors[0];
            return await RefusedAsync(subscription.Id, error.Problem, error.Field == "product_currency" ? "currency" : "amount", StatusCodes.Status422UnprocessableEntity, cancellationToken);
        }
        var outcome = await chargeSubscription.RunAsync(Dashboard.Tenant, subscription.Id, input with { IdempotencyKey = key }, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await FailedAsync(subscription.Id, failure, cancellationToken);
        }
        HttpContext.Items["audit:object"] = outcome.Value;
        return Done(subscription.Id, await ChargeSucceededAsync(outcome.Value, cancellationToken) ? "DetSubDone_charged" : "DetSubDone_charge_failed");
    }

    [RequirePermission(DashboardPermission.EditData)]
    public async Task<IActionResult> OnPostSendLinkAsync([FromForm] string? key, CancellationToken cancellationToken)
    {
        if (await FindAsync(cancellationToken) is not { } subscription)
        {
            return NotFound();
        }
        if (!IsKey(key))
        {
            return BadRequest();
        }
        switch (await paymentMethodLinks.SendAsync(Dashboard.Tenant, subscription, key!, cancellationToken))
        {
            case SendLinkOutcome.Refused refused:
                return await FailedAsync(subscription.Id, refused.Failure, cancellationToken);
            default:
                HttpContext.Items["audit:object"] = subscription.Id;
                return Done(subscription.Id, "DetSubDone_link_sent");
        }
    }

    /// <summary>Test mode only: absent from the page in live mode, and 404 there (the engine refuses live mode too).</summary>
    [RequirePermission(DashboardPermission.EditData)]
    public async Task<IActionResult> OnPostRenewNowAsync(CancellationToken cancellationToken)
    {
        if (!IsTestMode || await FindAsync(cancellationToken) is not { } subscription)
        {
            return NotFound();
        }
        switch (await renewals.RenewNowAsync(Dashboard.Tenant, subscription.Id, cancellationToken))
        {
            case RenewNowOutcome.Renewed renewed:
                HttpContext.Items["audit:object"] = subscription.Id;
                return Done(subscription.Id, renewed switch
                {
                    { Ended: true } => "DetSubDone_ended",
                    { Charge: ChargeOutcome.Failed } => "DetSubDone_renewal_declined",
                    { Charge: ChargeOutcome.Pending } => "DetSubDone_renewal_pending",
                    _ => "DetSubDone_renewed",
                });
            case RenewNowOutcome.NotRenewable:
                return await RefusedAsync(subscription.Id, "DetSubFail_NotRenewable", null, StatusCodes.Status409Conflict, cancellationToken);
            default:
                return NotFound();
        }
    }

    private async Task<IActionResult> PatchAsync(JsonObject body, string notice, CancellationToken cancellationToken)
    {
        if (await FindAsync(cancellationToken) is not { } subscription)
        {
            return NotFound();
        }
        var parsed = JsonBody.Of(JsonSerializer.SerializeToElement(body));
        var input = SubscriptionInput.ParsePatch(parsed) ?? throw new InvalidOperationException($"The dashboard's own PATCH body was refused: {parsed.Errors[0]}");
        var outcome = await updateSubscription.RunAsync(Dashboard.Tenant, subscription.Id, input, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return await FailedAsync(subscription.Id, failure, cancellationToken);
        }
        HttpContext.Items["audit:object"] = subscription.Id;
        return Done(subscription.Id, notice);
    }

    private Task<Features.Subscriptions.Subscription?> FindAsync(CancellationToken cancellationToken) =>
        Subscription is { Length: > 0 and <= 64 } id ? subscriptions.FindAsync(Dashboard.Tenant, Customer.Id, id, cancellationToken) : Task.FromResult<Features.Subscriptions.Subscription?>(null);

    private async Task<bool> ChargeSucceededAsync(string paymentId, CancellationToken cancellationToken)
    {
        var payments = HttpContext.RequestServices.GetRequiredService<CustomerPayments>();
        return (await payments.FindAsync(Dashboard.Tenant, Customer.Id, paymentId, cancellationToken))?.Status == "succeeded";
    }

    private RedirectToPageResult Done(string subscriptionId, string notice) =>
        RedirectToPage("/Dashboard/Customer/Subscriptions", new { id = Customer.Id, notice, sub = subscriptionId });

    private Task<IActionResult> FailedAsync(string subscriptionId, SubscriptionFailure failure, CancellationToken cancellationToken) => failure switch
    {
        SubscriptionFailure.NotFound => Task.FromResult<IActionResult>(NotFound()),
        SubscriptionFailure.Invalid invalid => RefusedAsync(subscriptionId, invalid.Error.Problem, invalid.Error.Field == "product_currency" ? "currency" : "amount",
            SubscriptionFailureText.Status(failure), cancellationToken),
        _ => RefusedAsync(subscriptionId, SubscriptionFailureText.Key(failure), null, SubscriptionFailureText.Status(failure), cancellationToken),
    };

    private async Task<IActionResult> RefusedAsync(string subscriptionId, string error, string? field, int status, CancellationToken cancellationToken)
    {
        ErrorSubscription = subscriptionId;
        Error = error;
        ErrorField = field;
        Response.StatusCode = status;
        List = await subscriptions.ListAsync(Dashboard.Tenant, Customer.Id, cancellationToken);
        return Page();
    }

    private static bool IsKey(string? key) => key is { Length: > 0 and <= 64 } && KeyPattern().IsMatch(key);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex KeyPattern();
}
