using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.LicenseKeys;

/// <summary><c>/license_keys</c> and <c>/license_key_instances</c> (API key), plus the public <c>/licenses/*</c>.</summary>
public static class LicenseKeysApi
{
    public static IEndpointRouteBuilder MapLicenseKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/license_keys").RequireApiKey().WithTags("License Keys");
        keys.MapGet("", ListAsync).WithName("list_license_keys")
            .Produces<Page<LicenseKeyResponse>>().ProducesApiErrors(StatusCodes.Status422UnprocessableEntity);
        keys.MapPost("", CreateAsync).WithName("create_license_key").Accepts<ImportLicenseKeyRequest>("application/json")
            .Produces<LicenseKeyResponse>(StatusCodes.Status201Created)
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        keys.MapGet("/{id}", GetAsync).WithName("get_license_key")
            .Produces<LicenseKeyResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        keys.MapPatch("/{id}", PatchAsync).WithName("update_license_key").Accepts<UpdateLicenseKeyRequest>(isOptional: true, "application/json")
            .Produces<LicenseKeyResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);

        var instances = app.MapGroup("/license_key_instances").RequireApiKey().WithTags("License Keys");
        instances.MapGet("", ListInstancesAsync).WithName("list_license_key_instances")
            .Produces<Page<LicenseKeyInstanceResponse>>().ProducesApiErrors(StatusCodes.Status422UnprocessableEntity);
        instances.MapGet("/{id}", GetInstanceAsync).WithName("get_license_key_instance")
            .Produces<LicenseKeyInstanceResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        instances.MapPatch("/{id}", PatchInstanceAsync).WithName("update_license_key_instance").Accepts<UpdateLicenseKeyInstanceRequest>(isOptional: true, "application/json")
            .Produces<LicenseKeyInstanceResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);

        app.MapLicensesApi();
        return app;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, LicenseKeyStore store, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var filter = new LicenseKeyFilter(
            CustomerId: query.String("customer_id", 64),
            Status: OneOf(query, "status", LicenseKeyStatus.All),
            ProductId: query.String("product_id", 64),
            CreatedAtGte: query.Timestamp("created_at_gte"),
            CreatedAtLte: query.Timestamp("created_at_lte"),
            Source: OneOf(query, "source", LicenseKeySource.All));
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        return Results.Ok(new Page<LicenseKeyResponse>(await store.ListAsync(tenant, filter, paging, cancellationToken)));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, ImportLicenseKey operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, LicenseKeyInput.ParseCreate, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        return await operation.RunAsync(tenant, parsed.Input!, cancellationToken) switch
        {
            CreateKeyOutcome.Created created => Results.Json(created.Key, ApiJson.Options, statusCode: StatusCodes.Status201Created),
            CreateKeyOutcome.CustomerNotFound => ApiResults.NotFound("Customer"),
            CreateKeyOutcome.ProductNotFound => ApiResults.NotFound("Product"),
            _ => ApiResults.Conflict("LICENSE_KEY_EXISTS", "key: a license key with this text already exists"),
        };
    }

    private static async Task<IResult> GetAsync(string id, Tenant tenant, LicenseKeyStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(tenant, id, cancellationToken) is { } key ? Results.Ok(key) : ApiResults.NotFound("License key");

    private static async Task<IResult> PatchAsync(string id, HttpRequest request, Tenant tenant, UpdateLicenseKey operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, LicenseKeyInput.ParsePatch, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        return await operation.RunAsync(tenant, id, parsed.Input!, cancellationToken) switch
        {
            UpdateKeyOutcome.Updated updated => Results.Ok(updated.Key),
            UpdateKeyOutcome.LimitBelowInstances below => ApiResults.Unprocessable("ACTIVATIONS_LIMIT_BELOW_INSTANCES",
                $"activations_limit: is below the key's {below.InstancesCount} current activations; deactivate some first"),
            UpdateKeyOutcome.ExpiryOnSubscriptionKey => new ApiErrorResult(StatusCodes.Status400BadRequest,
                new ApiError("SUBSCRIPTION_KEY_EXPIRY", "expires_at: cannot be set on a subscription's license key; it follows the subscription"), shouldRetry: false),
            _ => ApiResults.NotFound("License key"),
        };
    }

    private static async Task<IResult> ListInstancesAsync(HttpRequest request, Tenant tenant, LicenseKeyStore store, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var licenseKeyId = query.String("license_key_id", 64);
        var grantId = query.String("grant_id", 64);
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        // Entitlement grants are not modelled, so no instance belongs to one.
        IReadOnlyList<LicenseKeyInstanceResponse> items = grantId is not null ? [] : await store.ListInstancesAsync(tenant, licenseKeyId, paging, cancellationToken);
        return Results.Ok(new Page<LicenseKeyInstanceResponse>(items));
    }

    private static async Task<IResult> GetInstanceAsync(string id, Tenant tenant, LicenseKeyStore store, CancellationToken cancellationToken) =>
        await store.FindInstanceAsync(tenant, id, cancellationToken) is { } instance ? Results.Ok(instance) : ApiResults.NotFound("License key instance");

    private static async Task<IResult> PatchInstanceAsync(string id, HttpRequest request, Tenant tenant, RenameLicenseKeyInstance operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, LicenseKeyInput.ParseInstancePatch, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        return await operation.RunAsync(tenant, id, parsed.Input!, cancellationToken) is { } instance
            ? Results.Ok(instance)
            : ApiResults.NotFound("License key instance");
    }

    private static string? OneOf(QueryReader query, string name, string[] allowed)
    {
        var value = query.String(name, 32);
        if (value is not null && !allowed.Contains(value))
        {
            query.AddError(name, $"must be one of {string.Join(", ", allowed)}");
            return null;
        }
        return value;
    }
}
