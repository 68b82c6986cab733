namespace Clientele.Platform.Operations;

/// <summary>
/// Every response carries <c>x-request-id</c>: the request's <see cref="HttpContext.TraceIdentifier"/>,
/// which ASP.NET Core already puts in the log scope (<c>RequestId</c>) of every line the request logs,
/// so a customer quoting the header leads straight to its log lines (JSON logs: <c>Scopes[].RequestId</c>).
/// Written when the response starts, with the other response headers (<see cref="Hosting.PageSecurity.UseResponseHeaders"/>),
/// so error responses written by the exception handler carry it too.
/// An id sent by the client is not adopted: the log scope is fixed before any middleware runs, and a
/// proxy can log ours (<c>$upstream_http_x_request_id</c> in nginx) next to its own.
/// </summary>
public static class RequestIds
{
    public const string Header = "x-request-id";

    public static void Stamp(HttpContext context) => context.Response.Headers[Header] = context.TraceIdentifier;
}
