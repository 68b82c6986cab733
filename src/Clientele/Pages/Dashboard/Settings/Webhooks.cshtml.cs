using System.Text.Json;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Webhooks;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Settings;

/// <summary>
/// <c>/dashboard/settings/webhooks</c>: this mode's webhook endpoints, and adding one. The form is read by
/// <see cref="WebhookInput.Parse"/> and saved by <see cref="SaveWebhookEndpoint"/> — the API's own validation and
/// target rules (https, no private networks in live mode) — with an idempotency key so a double submit adds one.
/// </summary>
[RequirePermission(DashboardPermission.ManageWebhooks)]
public sealed class WebhooksModel(WebhookEndpointStore store, SaveWebhookEndpoint save) : DashboardPageModel
{
    public const int PageSize = 50;

    public override string Section => DashboardNavigation.Webhooks;

    public IReadOnlyList<WebhookEndpointRow> Endpoints { get; private set; } = [];

    public string? NextPage { get; private set; }

    [BindProperty]
    public string? TargetUrl { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public List<string> FilterTypes { get; set; } = [];

    [BindProperty]
    public string? IdempotencyKey { get; set; }

    /// <summary>Resource keys by form field (Url, Description, FilterTypes).</summary>
    public Dictionary<string, string> Errors { get; } = [];

    /// <summary>Why the URL was refused, in the API's words (its SSRF rules), shown inside a localized sentence.</summary>
    public string? TargetProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? after)
    {
        try
        {
            await LoadAsync(after);
        }
        catch (InvalidCursorException)
        {
            return NotFound();
        }
        return Page();
    }

    [RequirePermission(DashboardPermission.ManageWebhooks)]
    public async Task<IActionResult> OnPostCreateAsync()
    {
        var fields = new Dictionary<string, object?>
        {
            ["url"] = TargetUrl ?? "",
            ["description"] = Description ?? "",
            ["idempotency_key"] = string.IsNullOrWhiteSpace(IdempotencyKey) ? null : IdempotencyKey,
        };
        if (FilterTypes.Count > 0)
        {
            fields["filter_types"] = FilterTypes;
        }
        var body = JsonBody.Of(JsonSerializer.SerializeToElement(fields));
        if (WebhookInput.Parse(body, isCreate: true) is not { } settings)
        {
            foreach (var error in body.Errors)
            {
                var (field, key) = error.Field switch
                {
                    "url" => ("Url", "SetErrWebhookUrl"),
                    "description" => ("Description", "SetErrWebhookDescription"),
                    _ => ("FilterTypes", "SetErrChoice"),
                };
                Errors.TryAdd(field, key);
            }
            return await RefusedAsync();
        }
        var saved = await save.CreateAsync(Dashboard.Tenant, settings, HttpContext.RequestAborted);
        if (saved.Failure is { } failure)
        {
            switch (failure)
            {
                case WebhookEndpointFailure.TargetRefused refused:
                    Errors["Url"] = "SetHooksTargetRefused";
                    TargetProblem = refused.Problem;
                    break;
                default:
                    Errors["Url"] = "SetHooksAlreadyAdded";
                    break;
            }
            return await RefusedAsync();
        }
        var endpoint = saved.Value;
        HttpContext.Items["audit:object"] = endpoint.Id;
        return RedirectToPage("/Dashboard/Settings/Webhook", new { id = endpoint.Id, notice = "created" });
    }

    public string NewIdempotencyKey() => "dashboard-" + Guid.NewGuid().ToString("N");

    private async Task<IActionResult> RefusedAsync()
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(null);
        return Page();
    }

    private async Task LoadAsync(string? after)
    {
        var (rows, more) = await store.ListAsync(Dashboard.Tenant, PageSize, after, HttpContext.RequestAborted);
        Endpoints = rows;
        NextPage = more ? WebhookEndpointStore.EncodeCursor(rows[^1]) : null;
    }
}
