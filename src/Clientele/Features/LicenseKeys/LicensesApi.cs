using System.Globalization;
using Clientele.Features.Portal.Shell;
using Clientele.Platform.Api;
using Clientele.Platform.Security;
using Microsoft.Extensions.Options;

namespace Clientele.Features.LicenseKeys;

/// <summary>
/// <c>/licenses/activate|validate|deactivate</c>: public, as in the reference. The SDK always sends
/// a Bearer header; it is ignored here, because the key alone says whose it is. Every request counts
/// against a per-IP and a per-key limit (fixed windows in PostgreSQL); over either it is 429.
/// </summary>
public static class LicensesApi
{
    public static IEndpointRouteBuilder MapLicensesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/licenses").WithTags("Licenses");
        group.MapPost("/activate", ActivateAsync).WithName("activate_license_key").Accepts<ActivateLicenseKeyRequest>("application/json")
            .Produces<ActivateLicenseKeyResponse>(StatusCodes.Status201Created)
            .Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status422UnprocessableEntity).Produces<ApiError>(StatusCodes.Status429TooManyRequests);
        group.MapPost("/validate", ValidateAsync).WithName("validate_license_key").Accepts<ValidateLicenseKeyRequest>("application/json")
            .Produces<ValidateLicenseKeyResponse>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status422UnprocessableEntity).Produces<ApiError>(StatusCodes.Status429TooManyRequests);
        group.MapPost("/deactivate", DeactivateAsync).WithName("deactivate_license_key").Accepts<DeactivateLicenseKeyRequest>("application/json")
            .Produces(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status422UnprocessableEntity).Produces<ApiError>(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> ActivateAsync(HttpContext context, LicenseActivations licenses, RateLimiter limiter, IOptions<LicenseKeyOptions> options,
        CancellationToken cancellationToken)
    {
        var (input, stop) = await ReadAsync(context, LicenseKeyInput.ParseActivate, limiter, options.Value, cancellationToken);
        if (stop is not null)
        {
            return stop;
        }
        return await licenses.ActivateAsync(input!, cancellationToken) switch
        {
            ActivationOutcome.Activated activated => Results.Json(activated.Instance, ApiJson.Options, statusCode: StatusCodes.Status201Created),
            ActivationOutcome.Inactive inactive => ApiResults.Forbidden("LICENSE_KEY_INACTIVE", $"license_key: this license key is {inactive.Status} and cannot be activated"),
            ActivationOutcome.LimitReached reached => ApiResults.Unprocessable("ACTIVATION_LIMIT_REACHED",
                $"license_key: this license key has reached its activation limit ({reached.Limit}); deactivate an instance first"),
            _ => ApiResults.NotFound("License key"),
        };
    }

    private static async Task<IResult> ValidateAsync(HttpContext context, LicenseActivations licenses, RateLimiter limiter, IOptions<LicenseKeyOptions> options,
        CancellationToken cancellationToken)
    {
        var (input, stop) = await ReadAsync(context, LicenseKeyInput.ParseValidate, limiter, options.Value, cancellationToken);
        if (stop is not null)
        {
            return stop;
        }
        return Results.Ok(new ValidateLicenseKeyResponse(await licenses.ValidateAsync(input!, cancellationToken)));
    }

    private static async Task<IResult> DeactivateAsync(HttpContext context, LicenseActivations licenses, RateLimiter limiter, IOptions<LicenseKeyOptions> options,
        CancellationToken cancellationToken)
    {
        var (input, stop) = await ReadAsync(context, LicenseKeyInput.ParseDeactivate, limiter, options.Value, cancellationToken);
        if (stop is not null)
        {
            return stop;
        }
        return await licenses.DeactivateAsync(input!, cancellationToken) switch
        {
            DeactivationOutcome.Deactivated => Results.Ok(),
            DeactivationOutcome.InstanceNotOfKey => ApiResults.Forbidden("INSTANCE_NOT_OF_LICENSE_KEY",
                "license_key_instance_id: no such instance of this license key"),
            _ => ApiResults.NotFound("License key"),
        };
    }

    /// <summary>Counts the request (per IP always, per key when the body named one); the 429 to send when over a limit.</summary>
    /// <summary>Reads a public request and counts it against the IP's and the key's limits (a malformed body counts too).</summary>
    private static async Task<(T? Input, IResult? Stop)> ReadAsync<T>(HttpContext context, Func<JsonBody, T?> parse, RateLimiter limiter, LicenseKeyOptions options,
        CancellationToken cancellationToken)
        where T : class, IPublicLicenseRequest
    {
        var parsed = await JsonBody.ParseAsync(context.Request, parse, cancellationToken);
        if (await LimitAsync(context, limiter, options, parsed.Input?.LicenseKey, cancellationToken) is { } limited)
        {
            return (null, limited);
        }
        return parsed.Failed ? (null, parsed.Error) : (parsed.Input, null);
    }

    private static async Task<IResult?> LimitAsync(HttpContext context, RateLimiter limiter, LicenseKeyOptions options, string? licenseKey, CancellationToken cancellationToken)
    {
        var hits = new List<RateLimitHit> { new(options.PerIp.Rule("licenses-ip"), ClientAddress.Of(context)) };
        if (licenseKey is not null)
        {
            hits.Add(new(options.PerKey.Rule("licenses-key"), LicenseKeyText.Canonical(licenseKey)));
        }
        var decision = await limiter.HitAsync(hits, cancellationToken);
        if (decision.Allowed)
        {
            return null;
        }
        var seconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var subject = decision.ExceededRule == "licenses-key" ? "this license key" : "this address";
        return ApiResults.TooManyRequests($"Too many license requests for {subject}; try again in {seconds} seconds.");
    }
}
