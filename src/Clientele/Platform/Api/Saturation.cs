using Npgsql;

namespace Clientele.Platform.Api;

/// <summary>
/// Too much load is a 503 with <c>Retry-After</c>, not a 500: no pooled connection came free within
/// <c>Database:ConnectionWait</c>, or PostgreSQL itself has no connection slot left (53300) or is starting
/// up or shutting down (57P03). Clients and SDKs retry a 503; nothing was written.
/// </summary>
public static class Saturation
{
    public const int RetryAfterSeconds = 2;

    public static bool IsSaturated(Exception? exception) => exception switch
    {
        PostgresException { SqlState: "53300" or "57P03" } => true,
        NpgsqlException { InnerException: TimeoutException } => true,
        NpgsqlException ex when ex.Message.Contains("connection pool has been exhausted", StringComparison.Ordinal) => true,
        _ => false,
    };

    public static ApiErrorResult Result(HttpContext context)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ApiErrorResult(StatusCodes.Status503ServiceUnavailable, new ApiError("SERVICE_UNAVAILABLE", $"The server is busy. Try again in {RetryAfterSeconds} seconds."));
    }
}
