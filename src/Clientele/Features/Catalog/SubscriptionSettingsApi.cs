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
        return SubscriptionSettingsChange.Parse(body!) is { } change
            ? Results.Ok(await store.UpdateAsync(tenant, change, cancellationToken))
            : body!.ErrorResult;
    }
}
