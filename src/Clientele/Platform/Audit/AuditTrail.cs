using System.Collections.Concurrent;
using System.Reflection;
using Clientele.Primitives;

namespace Clientele.Platform.Audit;

public enum AuditActorKind
{
    /// <summary>A person signed in to the dashboard.</summary>
    User,

    /// <summary>A program holding an API key.</summary>
    ApiKey,

    /// <summary>A customer signed in to the business's portal.</summary>
    Customer,
}

/// <summary>
/// Who acts in this request, for which business and mode: attached by API-key authentication and by the
/// dashboard's and the portal's page bases. A request without one (checkout, public pages) is not audited here.
/// </summary>
public sealed record AuditActor(Tenant Tenant, AuditActorKind Kind, string Id, string Label)
{
    public string KindText => Kind switch
    {
        AuditActorKind.User => "user",
        AuditActorKind.ApiKey => "api_key",
        _ => "customer",
    };

    public void AttachTo(HttpContext context) => context.Features.Set(this);

    public static AuditActor? Of(HttpContext context) => context.Features.Get<AuditActor>();
}

/// <summary>A dashboard page whose forms change nothing of the business (switching the view, signing out).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NotAuditedAttribute : Attribute;

/// <summary>
/// The audit trail: after any request that is not a GET, by a known actor, that succeeded (status below
/// 400), one <c>audit_log</c> row — who, the operation (method and route), the object, the status, the
/// client's address and the time. The object is what the handler named with <see cref="NameObject"/>,
/// else the id of what an API call returned (<see cref="CaptureCreatedObjects{TBuilder}"/>), else the
/// route's id. One place records every change, so no page or endpoint can forget to.
/// </summary>
public static class AuditTrail
{
    public const string ObjectItem = "audit:object";

    /// <summary>Names the object this request changed (e.g. a refund made from a payment's page).</summary>
    public static void NameObject(HttpContext context, string objectId) => context.Items[ObjectItem] = objectId;

    public static IApplicationBuilder UseAuditTrail(this IApplicationBuilder app) => app.UseMiddleware<AuditTrailMiddleware>();

    /// <summary>
    /// API endpoints: the id of the object a successful call returns names the object (e.g. a customer just created).
    /// Only on endpoints that can leave a row: a read pays nothing for it.
    /// </summary>
    public static TBuilder CaptureCreatedObjects<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault() is { } methods && !methods.HttpMethods.Any(Records))
            {
                return;
            }
            endpoint.FilterFactories.Add((_, next) => async context =>
            {
                var result = await next(context);
                // A typed union (Results<Ok<T>, …>) holds the answer it chose.
                var chosen = result is INestedHttpResult nested ? nested.Result : result;
                if (chosen is IValueHttpResult { Value: { } value } && !context.HttpContext.Items.ContainsKey(ObjectItem) && IdOf(value) is { } id)
                {
                    NameObject(context.HttpContext, id);
                }
                return result;
            });
        });
        return builder;
    }

    /// <summary>Which requests leave a row: every method but the ones that read (GET, HEAD, OPTIONS).</summary>
    internal static bool Records(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    private static readonly ConcurrentDictionary<Type, PropertyInfo?> IdProperties = new();

    /// <summary>The response's own id: its first string property named <c>…Id</c> other than the business's.</summary>
    private static string? IdOf(object value) =>
        IdProperties.GetOrAdd(value.GetType(), type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.PropertyType == typeof(string) && p.Name.EndsWith("Id", StringComparison.Ordinal) && p.Name != "BusinessId"))
            ?.GetValue(value) as string;

    /// <summary>The operation as a person reads it: <c>POST /customers/{customer_id}</c>, <c>POST /dashboard/team (Invite)</c>.</summary>
    internal static string ActionOf(HttpContext context)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var handler = context.Request.Query["handler"].ToString();
        var action = $"{context.Request.Method} /{pattern.Trim('/')}";
        return handler.Length is > 0 and <= 64 ? $"{action} ({handler})" : action;
    }

    /// <summary>The object: as named, else the route's <c>id</c>, else its last <c>…_id</c> value.</summary>
    internal static string? ObjectOf(HttpContext context)
    {
        if (context.Items.TryGetValue(ObjectItem, out var named) && named is string name)
        {
            return name;
        }
        var values = context.Request.RouteValues;
        if (values.TryGetValue("id", out var id) && id is string text)
        {
            return text;
        }
        return values.LastOrDefault(v => v.Key.EndsWith("_id", StringComparison.Ordinal) && v.Value is string).Value as string;
    }
}

internal sealed class AuditTrailMiddleware(RequestDelegate next, AuditLog log, ILogger<AuditTrailMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context) => AuditTrail.Records(context.Request.Method) ? RecordAfterAsync(context) : next(context);

    private async Task RecordAfterAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode >= 400 || AuditActor.Of(context) is not { } actor)
        {
            return;
        }
        var entry = new NewAuditEntry(actor, AuditTrail.ActionOf(context), AuditTrail.ObjectOf(context), context.Response.StatusCode, context.Connection.RemoteIpAddress);
        try
        {
            // The change is done and its answer written: the client is never failed by its record, and waits only
            // for an insert whose commit skips the WAL flush (AuditLog.AppendAsync).
            await log.AppendAsync(entry, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not record {Action} by {ActorKind} {ActorId} in the audit log", entry.Action, actor.KindText, actor.Id);
        }
    }
}
