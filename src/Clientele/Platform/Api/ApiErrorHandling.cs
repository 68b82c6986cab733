using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Clientele.Platform.Api;

/// <summary>Unhandled failures become the reference's error body; never a stack trace on the wire.</summary>
public static class ApiErrorHandling
{
    public static IApplicationBuilder UseApiErrorHandling(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var result = exception switch
                {
                    BadHttpRequestException { InnerException: JsonException } => ApiResults.BadRequest("INVALID_JSON", "The request body is not valid JSON."),
                    BadHttpRequestException bad => new ApiErrorResult(bad.StatusCode, new ApiError("BAD_REQUEST", "The request could not be read.")),
                    _ when Saturation.IsSaturated(exception) => Saturation.Result(context),
                    _ => new ApiErrorResult(StatusCodes.Status500InternalServerError, new ApiError("INTERNAL_ERROR", "Something went wrong on our side. Try again later.")),
                };
                await result.ExecuteAsync(context);
            },
            // A request Kestrel could not read (a malformed chunk, a body the client cut short before the connection's
            // abort was noticed) is the client's error, answered 4xx: not logged as the server's failure.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });

    /// <summary>Unknown paths answer 404 in the API's error shape (the SDKs map it to NotFoundError).</summary>
    public static IEndpointRouteBuilder MapApiNotFoundFallback(this IEndpointRouteBuilder app)
    {
        // A browser gets an empty 404 that the browser status pages turn into a page in its language.
        app.MapFallback((HttpContext context) => Features.Portal.Shell.PortalErrorPage.WantsHtml(context.Request)
            ? Results.NotFound()
            : new ApiErrorResult(StatusCodes.Status404NotFound,
                new ApiError("NOT_FOUND", $"No such endpoint: {context.Request.Method} {context.Request.Path}")))
            .ExcludeFromDescription();
        return app;
    }
}
