using System.Text.Json;
using Clientele.Features.Payments;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Platform.Hosting;
using Clientele.Primitives;

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

/// <summary><c>/subscriptions</c>, as the reference API.</summary>
public static class SubscriptionsApi
{
    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/subscriptions").RequireApiKey().WithTags("Subscriptions");
        group.MapPost("", CreateAsync).WithName("create_subscription");
        group.MapGet("", ListAsync).WithName("list_subscriptions");
        group.MapGet("/{subscription_id}", GetAsync).WithName("get_subscription");
        group.MapPatch("/{subscription_id}", PatchAsync).WithName("patch_subscription");
        group.MapPost("/{subscription_id}/change-plan", (string subscription_id, HttpRequest request, Tenant tenant, SubscriptionService service, CancellationToken ct) =>
            ChangePlanAsync(subscription_id, request, tenant, service, previewOnly: false, ct)).WithName("change_subscription_plan");
        group.MapPost("/{subscription_id}/change-plan/preview", (string subscription_id, HttpRequest request, Tenant tenant, SubscriptionService service, CancellationToken ct) =>
            ChangePlanAsync(subscription_id, request, tenant, service, previewOnly: true, ct)).WithName("preview_subscription_plan_change");
        group.MapDelete("/{subscription_id}/change-plan/scheduled", DeleteScheduledAsync).WithName("delete_scheduled_plan_change");
        group.MapPost("/{subscription_id}/charge", ChargeAsync).WithName("create_subscription_charge");
        group.MapPost("/{subscription_id}/update-payment-method", UpdatePaymentMethodAsync).WithName("update_subscription_payment_method");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, SubscriptionService service, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseCreate, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await service.CreateAsync(tenant, parsed.Input, cancellationToken);
        if (outcome.Error is not null)
        {
            return outcome.Error;
        }
        var created = outcome.Value!;
        var s = created.Subscription;
        return Results.Ok(new CreateSubscriptionResponse(created.SubscriptionId, created.PaymentId, s.Customer, Metadata.Parse(s.Metadata),
            created.RecurringPreTaxAmount, [], created.PaymentLink, created.ExpiresOn, null, null, null, null, created.TrialAmount, created.PaymentLink is not null));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, SubscriptionStore store, CancellationToken cancellationToken)
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
            return Results.Ok(new Page<SubscriptionResponse>([]));
        }
        var rows = await store.ListAsync(tenant, filter, paging, cancellationToken);
        return Results.Ok(new Page<SubscriptionResponse>([.. rows.Select(SubscriptionResponse.From)]));
    }

    private static async Task<IResult> GetAsync(string subscription_id, Tenant tenant, SubscriptionStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(tenant, subscription_id, cancellationToken) is { } subscription
            ? Results.Ok(SubscriptionResponse.From(subscription))
            : ApiResults.NotFound("Subscription");

    private static async Task<IResult> PatchAsync(string subscription_id, HttpRequest request, Tenant tenant, SubscriptionService service, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParsePatch, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await service.PatchAsync(tenant, subscription_id, parsed.Input, cancellationToken);
        return outcome.Error ?? Results.Ok(SubscriptionResponse.From(outcome.Value!));
    }

    private static async Task<IResult> ChangePlanAsync(string id, HttpRequest request, Tenant tenant, SubscriptionService service, bool previewOnly, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseChangePlan, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await service.ChangePlanAsync(tenant, id, parsed.Input, previewOnly, cancellationToken);
        if (outcome.Error is not null)
        {
            return outcome.Error;
        }
        var answer = outcome.Value!;
        if (previewOnly)
        {
            return Results.Ok(answer.Preview);
        }
        return Results.Ok(new PaymentLinkResponse(answer.PaymentId, null, null, null));
    }

    private static async Task<IResult> DeleteScheduledAsync(string subscription_id, Tenant tenant, SubscriptionService service, CancellationToken cancellationToken)
    {
        var outcome = await service.DeleteScheduledChangeAsync(tenant, subscription_id, cancellationToken);
        return outcome.Error ?? Results.NoContent();
    }

    private static async Task<IResult> ChargeAsync(string subscription_id, HttpRequest request, Tenant tenant, SubscriptionService service, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseCharge, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await service.ChargeAsync(tenant, subscription_id, parsed.Input, cancellationToken);
        return outcome.Error ?? Results.Ok(new SubscriptionChargeResponse(outcome.Value!));
    }

    private static async Task<IResult> UpdatePaymentMethodAsync(string subscription_id, HttpRequest request, Tenant tenant, SubscriptionService service, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, SubscriptionInput.ParseUpdatePaymentMethod, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await service.UpdatePaymentMethodAsync(tenant, subscription_id, parsed.Input, cancellationToken);
        return outcome.Error ?? Results.Ok(new PaymentLinkResponse(outcome.Value!.PaymentId, outcome.Value.PaymentLink, outcome.Value.ExpiresOn, null));
    }
}

public static class SubscriptionServices
{
    public static IHostApplicationBuilder AddSubscriptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SubscriptionOptions, SubscriptionOptionsValidator>(SubscriptionOptions.Section);
        builder.Services.AddSingleton<SubscriptionStore>();
        builder.Services.AddSingleton<SubscriptionEvents>();
        builder.Services.AddSingleton<SubscriptionEmails>();
        builder.Services.AddSingleton<SubscriptionLifecycle>();
        builder.Services.AddSingleton<SubscriptionBilling>();
        builder.Services.AddSingleton<SubscriptionService>();
        builder.Services.AddSingleton<RenewalRunner>();
        if (builder.Configuration.GetValue($"{SubscriptionOptions.Section}:{nameof(SubscriptionOptions.WorkerEnabled)}", true))
        {
            builder.Services.AddHostedService<RenewalWorker>();
        }
        return builder;
    }
}
