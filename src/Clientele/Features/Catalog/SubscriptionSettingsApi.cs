using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Catalog;

/// <summary>A Clientele extension (the reference keeps these in its dashboard): <c>/settings/subscriptions</c>.</summary>
public static class SubscriptionSettingsApi
{
    public static IEndpointRouteBuilder MapSubscriptionSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/settings/subscriptions").RequireApiKey().WithTags("Settings");
        group.MapGet("", async (Tenant tenant, SubscriptionSettingsStore store, CancellationToken ct) => TypedResults.Ok(await store.GetAsync(tenant, ct)))
            .WithName("get_subscription_settings").ProducesApiErrors();
        group.MapPatch("", PatchAsync).WithName("patch_subscription_settings").Accepts<PatchSubscriptionSettingsRequest>(isOptional: true, "application/json").Produces<SubscriptionSettings>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<IResult> PatchAsync(HttpRequest request, Tenant tenant, SubscriptionSettingsStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var multiple = body!.Boolean("allow_multiple_subscriptions").Value;
        var planChanges = body.Boolean("allow_plan_changes").Value;
        var cancel = body.Boolean("allow_customer_cancel").Value;
        var pause = body.Boolean("allow_customer_pause").Value;
        // The mode a customer's own plan change in the portal uses (the API's callers choose per request).
        var portalProration = InputRules.OneOf(body, "portal_proration_mode", Subscriptions.ProrationModes.All, required: false);
        if (body.HasErrors)
        {
            return body.ErrorResult;
        }
        return Results.Ok(await store.UpdateAsync(tenant, multiple, planChanges, cancel, pause, portalProration, cancellationToken));
    }
}
