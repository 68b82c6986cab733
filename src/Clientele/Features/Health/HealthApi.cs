using Dapper;
using Npgsql;

namespace Clientele.Features.Health;

public static class HealthApi
{
    public sealed record HealthResponse(string Status, string Database);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckAsync).WithTags("Health").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> CheckAsync(NpgsqlDataSource dataSource, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: timeout.Token));
            return Results.Ok(new HealthResponse("ok", "ok"));
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            loggers.CreateLogger("Clientele.Health").LogWarning(ex, "Health check: database unreachable");
            return Results.Json(new HealthResponse("unavailable", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
