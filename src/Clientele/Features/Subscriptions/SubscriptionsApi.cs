using System.Text.Json;
using Clientele.Features.Payments;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Clientele.Features.Subscriptions;

public sealed record CreateSubscriptionResponse(
    string SubscriptionId,
    string PaymentId,
    CustomerLimitedDetails Customer,
    JsonElement Metadata,
    long RecurringPreTaxAmount,
    IReadOnlyList<object> Addons,
    string? PaymentLink,
    DateTime? ExpiresOn,
    string? ClientSecret,
    string? DiscountId,
    IReadOnlyList<string>? DiscountIds,
    IReadOnlyList<object>? OneTimeProductCart,
    long? TrialAmount,
    bool PaymentMethodRequired);

public sealed record PaymentLinkResponse(string? PaymentId, string? PaymentLink, DateTime? ExpiresOn, string? ClientSecret);

public sealed record SubscriptionChargeResponse(string PaymentId);

/// <summary><c>/subscriptions</c>, as the reference API. Each endpoint parses, calls its operation and maps the outcome (<see cref="SubscriptionHttp"/>).</summary>
public static class SubscriptionsApi
{
    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/subscriptions").RequireApiKey().WithTags("Subscriptions");
        group.MapPost("", CreateAsync).WithName("create_subscription").Accepts<CreateSubscriptionRequest>("application/json").ProducesApiErrors(400, 422);
        group.MapGet("", ListAsync).WithName("list_subscriptions").ProducesApiErrors(422);
        group.MapGet("/{subscription_id}", GetAsync).WithName("get_subscription").ProducesApiErrors(404);
        group.MapPatch("/{subscription_id}", PatchAsync).WithName("patch_subscription").Accepts<PatchSubscriptionRequest>(isOptional: true, "application/json").ProducesApiErrors(400, 403, 404, 409, 422);
        group.MapPost("/{subscription_id}/change-plan", ChangePlanAsync).WithName("change_subscription_plan")
            .Accepts<ChangeSubscriptionPlanRequest>("application/json").ProducesApiErrors(400, 403, 404, 409, 422);
        group.MapPost("/{subscription_id}/change-plan/preview", PreviewPlanChangeAsync).WithName("preview_subscription_plan_change")
            .Accepts<ChangeSubscriptionPlanRequest>("application/json").ProducesApiErrors(400, 403, 404, 409, 422);
        group.MapDelete("/{subscription_id}/change-plan/scheduled", DeleteScheduledAsync).WithName("delete_scheduled_plan_change").ProducesApiErrors(404);
        group.MapPost("/{subscription_id}/charge", ChargeAsync).WithName("create_subscription_charge").Accepts<CreateSubscriptionChargeRequest>("application/json").ProducesApiErrors(400, 404, 409, 422);
        group.MapPost("/{subscription_id}/update-payment-method", UpdatePaymentMethodAsync).WithName("update_subscription_payment_method")
            .Accepts<UpdateSubscriptionPaymentMethodRequest>("application/json").ProducesApiErrors(400, 404, 409, 422);
        return app;
    }

    private static async Task<Results<Ok<CreateSubscriptionResponse>, ApiErrorResult>> CreateAsync(HttpRequest request, Tenant tenant, CreateSubscription operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseCreate, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await operation.RunAsync(tenant, parsed.Input!, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return failure.ToHttp();
        }
        var created = outcome.Value;
        var s = created.Subscription;
        return TypedResults.Ok(new CreateSubscriptionResponse(created.SubscriptionId, created.PaymentId, s.Customer, Metadata.Parse(s.Metadata),
            created.RecurringPreTaxAmount, [], created.PaymentLink, created.ExpiresOn, null, null, null, null, created.TrialAmount, created.PaymentLink is not null));
    }

    private static async Task<Results<Ok<Page<SubscriptionResponse>>, ApiErrorResult>> ListAsync(HttpRequest request, Tenant tenant, SubscriptionStore store, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var status = query.String("status");
        if (status is not null && !SubscriptionStatus.All.Contains(status))
        {
            query.AddError("status", $"must be one of {string.Join(", ", SubscriptionStatus.All)}");
        }
        var filter = new SubscriptionFilter(query.Timestamp("created_at_gte"), query.Timestamp("created_at_lte"), query.String("customer_id"), status,
            query.String("product_id"), query.Boolean("cancel_at_next_billing_date"));
        var brand = query.String("brand_id");
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        if (brand is not null && brand != tenant.BusinessId)
        {
            return TypedResults.Ok(new Page<SubscriptionResponse>([]));
        }
        var rows = await store.ListAsync(tenant, filter, paging, cancellationToken);
        return TypedResults.Ok(new Page<SubscriptionResponse>([.. rows.Select(SubscriptionResponse.From)]));
    }

    private static async Task<Results<Ok<SubscriptionResponse>, ApiErrorResult>> GetAsync(string subscription_id, Tenant tenant, SubscriptionStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(tenant, subscription_id, cancellationToken) is { } subscription
            ? TypedResults.Ok(SubscriptionResponse.From(subscription))
            : new SubscriptionFailure.NotFound().ToHttp();

    private static async Task<Results<Ok<SubscriptionResponse>, ApiErrorResult>> PatchAsync(string subscription_id, HttpRequest request, Tenant tenant, UpdateSubscription operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParsePatch, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await operation.RunAsync(tenant, subscription_id, parsed.Input!, cancellationToken);
        return outcome.Failure is { } failure ? failure.ToHttp() : TypedResults.Ok(SubscriptionResponse.From(outcome.Value));
    }

    private static async Task<Results<Ok<PaymentLinkResponse>, ApiErrorResult>> ChangePlanAsync(string subscription_id, HttpRequest request, Tenant tenant, ChangePlan operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseChangePlan, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await operation.RunAsync(tenant, subscription_id, parsed.Input!, previewOnly: false, cancellationToken);
        return outcome.Failure is { } failure ? failure.ToHttp() : TypedResults.Ok(new PaymentLinkResponse(outcome.Value.PaymentId, null, null, null));
    }

    private static async Task<Results<Ok<ChangePlanPreviewResponse>, ApiErrorResult>> PreviewPlanChangeAsync(string subscription_id, HttpRequest request, Tenant tenant, ChangePlan operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseChangePlan, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await operation.RunAsync(tenant, subscription_id, parsed.Input!, previewOnly: true, cancellationToken);
        return outcome.Failure is { } failure ? failure.ToHttp() : TypedResults.Ok(outcome.Value.Preview);
    }

    private static async Task<Results<NoContent, ApiErrorResult>> DeleteScheduledAsync(string subscription_id, Tenant tenant, DeleteScheduledChange operation, CancellationToken cancellationToken)
    {
        var outcome = await operation.RunAsync(tenant, subscription_id, cancellationToken);
        return outcome.Failure is { } failure ? failure.ToHttp() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SubscriptionChargeResponse>, ApiErrorResult>> ChargeAsync(string subscription_id, HttpRequest request, Tenant tenant, ChargeSubscription operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseCharge, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await operation.RunAsync(tenant, subscription_id, parsed.Input!, cancellationToken);
        return outcome.Failure is { } failure ? failure.ToHttp() : TypedResults.Ok(new SubscriptionChargeResponse(outcome.Value));
    }

    private static async Task<Results<Ok<PaymentLinkResponse>, ApiErrorResult>> UpdatePaymentMethodAsync(string subscription_id, HttpRequest request, Tenant tenant, UpdatePaymentMethod operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseUpdatePaymentMethod, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await operation.RunAsync(tenant, subscription_id, parsed.Input!, cancellationToken);
        return outcome.Failure is { } failure
            ? failure.ToHttp()
            : TypedResults.Ok(new PaymentLinkResponse(outcome.Value.PaymentId, outcome.Value.PaymentLink, outcome.Value.ExpiresOn, null));
    }
}
