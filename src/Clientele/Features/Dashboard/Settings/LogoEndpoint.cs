using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.Settings;

/// <summary>
/// <c>GET /brand/{business_id}/logo/{hash}</c>: a business's uploaded logo, public (the portal's sign-in page and
/// checkout show it). The hash in the path makes each upload its own URL, so the answer is cached for a year;
/// an old hash is 404. The type is the one its bytes were checked as, with nosniff, and an SVG gets a policy
/// that lets nothing in it run or load.
/// </summary>
public static class LogoEndpoint
{
    public const string SvgPolicy = "default-src 'none'; style-src 'unsafe-inline'";

    public static string PathOf(string businessId, string hash) => $"/brand/{businessId}/logo/{hash}";

    public static IEndpointRouteBuilder MapBrandLogos(this IEndpointRouteBuilder app)
    {
        app.MapGet("/brand/{businessId}/logo/{hash}", async (string businessId, string hash, HttpContext context, NpgsqlDataSource dataSource) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
            var logo = await connection.QuerySingleOrDefaultAsync<(string ContentType, byte[] Content)>(new CommandDefinition(
                "SELECT content_type, content FROM business_logos WHERE business_id = @businessId AND hash = @hash",
                new { businessId, hash }, cancellationToken: context.RequestAborted));
            if (logo.Content is null)
            {
                return Results.NotFound();
            }
            var headers = context.Response.Headers;
            headers.CacheControl = "public, max-age=31536000, immutable";
            headers.XContentTypeOptions = "nosniff";
            if (logo.ContentType == LogoFile.Svg)
            {
                headers.ContentSecurityPolicy = SvgPolicy;
            }
            return Results.File(logo.Content, logo.ContentType);
        }).ExcludeFromDescription();
        return app;
    }
}
