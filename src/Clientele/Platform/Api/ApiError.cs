namespace Clientele.Platform.Api;

/// <summary>The reference API's error body: <c>{"code": "UPPER_SNAKE", "message": "human text"}</c>.</summary>
public sealed record ApiError(string Code, string Message)
{
    public static ApiError NotFound(string what) => new("NOT_FOUND", $"{what} not found");
}

/// <summary>The one place where an error becomes an HTTP response.</summary>
public sealed class ApiErrorResult(int statusCode, ApiError error, bool shouldRetry = true) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => statusCode;

    public ApiError Error => error;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        if (!shouldRetry)
        {
            // The SDKs retry 409s unless told not to; a business conflict never succeeds on retry.
            httpContext.Response.Headers["x-should-retry"] = "false";
        }
        return httpContext.Response.WriteAsJsonAsync(error, ApiJson.Options);
    }
}

public static class ApiResults
{
    /// <summary>Declares error outcomes for the OpenAPI document; every API endpoint can also answer 401.</summary>
    public static RouteHandlerBuilder ProducesApiErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes.Append(StatusCodes.Status401Unauthorized))
        {
            builder.Produces<ApiError>(status);
        }
        return builder;
    }

    public static ApiErrorResult BadRequest(string code, string message) => new(StatusCodes.Status400BadRequest, new(code, message));

    public static ApiErrorResult Unauthorized(string message) => new(StatusCodes.Status401Unauthorized, new("UNAUTHORIZED", message));

    public static ApiErrorResult Forbidden(string code, string message) => new(StatusCodes.Status403Forbidden, new(code, message), shouldRetry: false);

    public static ApiErrorResult NotFound(string what) => new(StatusCodes.Status404NotFound, ApiError.NotFound(what));

    public static ApiErrorResult Conflict(string code, string message) => new(StatusCodes.Status409Conflict, new(code, message), shouldRetry: false);

    public static ApiErrorResult Unprocessable(string code, string message) => new(StatusCodes.Status422UnprocessableEntity, new(code, message), shouldRetry: false);

    public static ApiErrorResult Invalid(ValidationError error) => Unprocessable("INVALID_REQUEST", error.Message);

    public static ApiErrorResult Invalid(IEnumerable<ValidationError> errors) => Unprocessable("INVALID_REQUEST", string.Join("; ", errors.Select(e => e.Message)));

    public static ApiErrorResult TooManyRequests(string message) => new(StatusCodes.Status429TooManyRequests, new("RATE_LIMITED", message));
}
