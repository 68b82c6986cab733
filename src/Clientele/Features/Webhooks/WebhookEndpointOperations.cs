using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Webhooks;

/// <summary>Why saving a webhook endpoint was refused.</summary>
public abstract record WebhookEndpointFailure
{
    public sealed record NotFound : WebhookEndpointFailure;

    /// <summary>The URL points where this server must not send (SSRF rules of <see cref="WebhookTargets"/>).</summary>
    public sealed record TargetRefused(string Problem) : WebhookEndpointFailure;

    public sealed record IdempotencyKeyReused : WebhookEndpointFailure;
}

/// <summary>
/// Creates or changes a webhook endpoint: the one place the target rules (no private networks in
/// live mode, https only) are applied when an endpoint is saved; delivery checks them again after DNS.
/// The API and the dashboard both save endpoints through it.
/// </summary>
public sealed class SaveWebhookEndpoint(WebhookEndpointStore store, IOptions<WebhookOptions> options)
{
    public async Task<Result<WebhookEndpointRow, WebhookEndpointFailure>> CreateAsync(Tenant tenant, WebhookSettings settings, CancellationToken cancellationToken)
    {
        if (TargetProblem(settings, tenant) is { } refused)
        {
            return refused;
        }
        return await store.CreateAsync(tenant, settings, cancellationToken) switch
        {
            WebhookCreateOutcome.Created created => created.Endpoint,
            _ => new WebhookEndpointFailure.IdempotencyKeyReused(),
        };
    }

    public async Task<Result<WebhookEndpointRow, WebhookEndpointFailure>> UpdateAsync(Tenant tenant, string endpointId, WebhookSettings settings, CancellationToken cancellationToken)
    {
        if (TargetProblem(settings, tenant) is { } refused)
        {
            return refused;
        }
        return await store.UpdateAsync(tenant, endpointId, settings, cancellationToken) is { } endpoint
            ? endpoint
            : new WebhookEndpointFailure.NotFound();
    }

    private WebhookEndpointFailure.TargetRefused? TargetProblem(WebhookSettings settings, Tenant tenant) =>
        settings.Url is { } url && WebhookTargets.Problem(new Uri(url), tenant.Mode, options.Value.AllowPrivateTargets == true) is { } problem
            ? new WebhookEndpointFailure.TargetRefused(problem)
            : null;
}
