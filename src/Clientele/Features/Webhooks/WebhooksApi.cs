using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Webhooks;

/// <summary><c>/webhooks</c>, as the reference, plus <c>POST /webhooks/{id}/secret/rotate</c> (a Clientele extension).</summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks").RequireApiKey().WithTags("Webhooks");
        group.MapPost("", CreateAsync).Accepts<CreateWebhookRequest>("application/json").Produces<WebhookDetails>().ProducesApiErrors(400, 422);
        group.MapGet("", ListAsync).Produces<WebhookPage>().ProducesApiErrors(422);
        group.MapGet("/{webhook_id}", GetAsync).Produces<WebhookDetails>().ProducesApiErrors(404);
        group.MapPatch("/{webhook_id}", PatchAsync).Accepts<PatchWebhookRequest>(isOptional: true, "application/json").Produces<WebhookDetails>().ProducesApiErrors(400, 404, 422);
        group.MapDelete("/{webhook_id}", DeleteAsync).Produces(200).ProducesApiErrors(404);
        group.MapGet("/{webhook_id}/secret", GetSecretAsync).Produces<WebhookSecretResponse>().ProducesApiErrors(404);
        group.MapPost("/{webhook_id}/secret/rotate", RotateSecretAsync).Produces<WebhookSecretResponse>().ProducesApiErrors(404);
        group.MapGet("/{webhook_id}/headers", GetHeadersAsync).Produces<WebhookHeadersResponse>().ProducesApiErrors(404);
        group.MapPatch("/{webhook_id}/headers", PatchHeadersAsync).Accepts<PatchWebhookHeadersRequest>("application/json").Produces(200).ProducesApiErrors(400, 404, 422);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, SaveWebhookEndpoint save, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, body => WebhookInput.Parse(body, isCreate: true), cancellationToken);
        return parsed.Failed ? parsed.Error : ToHttp(await save.CreateAsync(tenant, parsed.Input, cancellationToken));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var limit = query.Int("limit", 1, Paging.MaxSize) ?? Paging.DefaultSize;
        var iterator = query.String("iterator", 200);
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        try
        {
            var (rows, more) = await store.ListAsync(tenant, limit, iterator, cancellationToken);
            var next = more ? WebhookEndpointStore.EncodeCursor(rows[^1]) : null;
            return Results.Ok(new WebhookPage([.. rows.Select(r => r.ToResponse())], Done: !more, Iterator: next, PrevIterator: iterator));
        }
        catch (InvalidCursorException ex)
        {
            return ApiResults.Unprocessable("INVALID_REQUEST", $"iterator: {ex.Message}");
        }
    }

    private static async Task<IResult> GetAsync(string webhook_id, Tenant tenant, WebhookEndpointStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(tenant, webhook_id, cancellationToken) is { } endpoint
            ? Results.Ok(endpoint.ToResponse())
            : ApiResults.NotFound("Webhook");

    private static async Task<IResult> PatchAsync(string webhook_id, HttpRequest request, Tenant tenant, SaveWebhookEndpoint save, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, body => WebhookInput.Parse(body, isCreate: false), cancellationToken);
        return parsed.Failed ? parsed.Error : ToHttp(await save.UpdateAsync(tenant, webhook_id, parsed.Input, cancellationToken));
    }

    private static async Task<IResult> DeleteAsync(string webhook_id, Tenant tenant, WebhookEndpointStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(tenant, webhook_id, cancellationToken) ? Results.Ok() : ApiResults.NotFound("Webhook");

    private static async Task<IResult> GetSecretAsync(string webhook_id, Tenant tenant, WebhookEndpointStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(tenant, webhook_id, cancellationToken) is { } endpoint
            ? Results.Ok(new WebhookSecretResponse(store.Secret(endpoint)))
            : ApiResults.NotFound("Webhook");

    private static async Task<IResult> RotateSecretAsync(string webhook_id, Tenant tenant, WebhookEndpointStore store, CancellationToken cancellationToken) =>
        await store.RotateSecretAsync(tenant, webhook_id, cancellationToken) is { } secret
            ? Results.Ok(new WebhookSecretResponse(secret))
            : ApiResults.NotFound("Webhook");

    private static async Task<IResult> GetHeadersAsync(string webhook_id, Tenant tenant, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(tenant, webhook_id, cancellationToken) is not { } endpoint)
        {
            return ApiResults.NotFound("Webhook");
        }
        var headers = store.Headers(endpoint);
        var sensitive = headers.Keys.Where(WebhookInput.IsSensitive).Order(StringComparer.OrdinalIgnoreCase).ToList();
        return Results.Ok(new WebhookHeadersResponse(
            headers.Where(h => !WebhookInput.IsSensitive(h.Key)).ToDictionary(h => h.Key, h => h.Value), sensitive));
    }

    private static async Task<IResult> PatchHeadersAsync(string webhook_id, HttpRequest request, Tenant tenant, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, WebhookInput.ParseHeaders, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var headers = parsed.Input;
        return await store.MergeHeadersAsync(tenant, webhook_id, headers, cancellationToken) ? Results.Ok() : ApiResults.NotFound("Webhook");
    }

    /// <summary>The one place a saved endpoint's outcome becomes HTTP.</summary>
    private static IResult ToHttp(Result<WebhookEndpointRow, WebhookEndpointFailure> saved) => saved.Match(
        endpoint => Results.Ok(endpoint.ToResponse()),
        failure => failure switch
        {
            WebhookEndpointFailure.NotFound => ApiResults.NotFound("Webhook"),
            WebhookEndpointFailure.TargetRefused refused => ApiResults.Invalid(new ValidationError("url", refused.Problem)),
            WebhookEndpointFailure.IdempotencyKeyReused => ApiResults.Unprocessable("IDEMPOTENCY_KEY_REUSED", "idempotency_key: already used for a webhook with a different url"),
            _ => throw new InvalidOperationException($"Unmapped failure {failure}."),
        });
}
