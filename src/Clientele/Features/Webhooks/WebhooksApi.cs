using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Webhooks;

/// <summary><c>/webhooks</c>, as the reference, plus <c>POST /webhooks/{id}/secret/rotate</c> (a Clientele extension).</summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks").RequireApiKey().WithTags("Webhooks");
        group.MapPost("", CreateAsync).Produces<WebhookDetails>().ProducesApiErrors(400, 422);
        group.MapGet("", ListAsync).Produces<WebhookPage>().ProducesApiErrors(422);
        group.MapGet("/{webhook_id}", GetAsync).Produces<WebhookDetails>().ProducesApiErrors(404);
        group.MapPatch("/{webhook_id}", PatchAsync).Produces<WebhookDetails>().ProducesApiErrors(400, 404, 422);
        group.MapDelete("/{webhook_id}", DeleteAsync).Produces(200).ProducesApiErrors(404);
        group.MapGet("/{webhook_id}/secret", GetSecretAsync).Produces<WebhookSecretResponse>().ProducesApiErrors(404);
        group.MapPost("/{webhook_id}/secret/rotate", RotateSecretAsync).Produces<WebhookSecretResponse>().ProducesApiErrors(404);
        group.MapGet("/{webhook_id}/headers", GetHeadersAsync).Produces<WebhookHeadersResponse>().ProducesApiErrors(404);
        group.MapPatch("/{webhook_id}/headers", PatchHeadersAsync).Produces(200).ProducesApiErrors(400, 404, 422);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, WebhookEndpointStore store, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, body => WebhookInput.Parse(body, isCreate: true), cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        if (TargetProblem(parsed.Input, tenant, options.Value) is { } refused)
        {
            return refused;
        }
        var settings = parsed.Input;
        return await store.CreateAsync(tenant, settings, cancellationToken) switch
        {
            WebhookCreateOutcome.Created created => Results.Ok(created.Endpoint.ToResponse()),
            _ => ApiResults.Unprocessable("IDEMPOTENCY_KEY_REUSED", "idempotency_key: already used for a webhook with a different url"),
        };
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

    private static async Task<IResult> PatchAsync(string webhook_id, HttpRequest request, Tenant tenant, WebhookEndpointStore store, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, body => WebhookInput.Parse(body, isCreate: false), cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        if (TargetProblem(parsed.Input, tenant, options.Value) is { } refused)
        {
            return refused;
        }
        var settings = parsed.Input;
        return await store.UpdateAsync(tenant, webhook_id, settings, cancellationToken) is { } endpoint
            ? Results.Ok(endpoint.ToResponse())
            : ApiResults.NotFound("Webhook");
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

    /// <summary>No SSRF: the address rules of <see cref="WebhookTargets"/>, checked when an endpoint is saved.</summary>
    private static ApiErrorResult? TargetProblem(WebhookSettings settings, Tenant tenant, WebhookOptions options) =>
        settings.Url is { } url && WebhookTargets.Problem(new Uri(url), tenant.Mode, options.AllowPrivateTargets == true) is { } problem
            ? ApiResults.Invalid(new ValidationError("url", problem))
            : null;
}
