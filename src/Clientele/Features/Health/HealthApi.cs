using Clientele.Platform.Data;
using Npgsql;

namespace Clientele.Features.Health;

/// <summary>
/// What a load balancer or orchestrator asks. <c>/health/live</c>: the process answers (restart it
/// if not). <c>/health/ready</c>: send it traffic — the database answers, every migration this build
/// knows is applied, and the process is not shutting down (so a draining node leaves the pool while
/// it finishes its requests). <c>/health</c> is the older check (database only), kept as it was.
/// </summary>
public static class HealthApi
{
    public sealed record HealthResponse(string Status, string Database);

    public sealed record ReadinessResponse(string Status, string Database, string Migrations);

    public sealed record LivenessResponse(string Status);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckAsync).WithTags("Health").ExcludeFromDescription();
        app.MapGet("/health/live", () => Results.Ok(new LivenessResponse("ok"))).WithTags("Health").ExcludeFromDescription();
        app.MapGet("/health/ready", ReadyAsync).WithTags("Health").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> CheckAsync(NpgsqlDataSource dataSource, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await DatabaseProbe.PingAsync(dataSource, timeout.Token);
            return Results.Ok(new HealthResponse("ok", "ok"));
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            loggers.CreateLogger("Clientele.Health").LogWarning(ex, "Health check: database unreachable");
            return Results.Json(new HealthResponse("unavailable", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> ReadyAsync(NpgsqlDataSource dataSource, IHostApplicationLifetime lifetime, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Results.Json(new ReadinessResponse("stopping", "unchecked", "unchecked"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var applied = await DatabaseProbe.MigrationsAppliedAsync(dataSource, timeout.Token);
            return applied
                ? Results.Ok(new ReadinessResponse("ok", "ok", "applied"))
                : Results.Json(new ReadinessResponse("unavailable", "ok", "pending"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            loggers.CreateLogger("Clientele.Health").LogWarning(ex, "Readiness check: database unreachable");
            return Results.Json(new ReadinessResponse("unavailable", "unreachable", "unknown"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
