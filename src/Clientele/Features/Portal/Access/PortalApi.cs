using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Portal.Access;

public sealed record PortalSessionResponse(string Link);

/// <summary>Clientele extension: the business's static links, for the merchant's "Share invite".</summary>
public sealed record PortalLinksResponse(string BusinessId, string StaticLinkTest, string StaticLinkLive);

/// <summary>Clientele extension: everything to invite one customer (static link of the key's mode and a fresh dynamic link).</summary>
public sealed record PortalInviteResponse(string CustomerId, string StaticLink, string DynamicLink, DateTime DynamicLinkExpiresAt);

/// <summary>The merchant's side of portal access: dynamic links (reference API) and "Share invite" (Clientele extension).</summary>
public static class PortalApi
{
    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/customers/{customer_id}/customer-portal/session", CreateSessionAsync)
            .RequireApiKey().WithTags("Customer portal").WithName("create_customer_portal_session")
            .Produces<PortalSessionResponse>().ProducesApiErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        app.MapPost("/customers/{customer_id}/customer-portal/invite", CreateInviteAsync)
            .RequireApiKey().WithTags("Customer portal").WithName("create_customer_portal_invite")
            .Produces<PortalInviteResponse>().ProducesApiErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        app.MapGet("/customer-portal/links", GetLinks)
            .RequireApiKey().WithTags("Customer portal").WithName("get_customer_portal_links")
            .Produces<PortalLinksResponse>().ProducesApiErrors();
        return app;
    }

    private static async Task<IResult> CreateSessionAsync(string customer_id, HttpRequest request, Tenant tenant, PortalAccess access, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var sendEmail = query.Boolean("send_email") ?? false;
        var returnUrl = ReadReturnUrl(query);
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        return await access.CreateDynamicLinkAsync(tenant, customer_id, sendEmail, returnUrl, cancellationToken) switch
        {
            DynamicLinkOutcome.Created created => Results.Ok(new PortalSessionResponse(created.Link)),
            _ => ApiResults.NotFound("Customer"),
        };
    }

    private static async Task<IResult> CreateInviteAsync(string customer_id, HttpRequest request, Tenant tenant, PortalAccess access, IOptions<PublicUrlOptions> urls, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var returnUrl = ReadReturnUrl(query);
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        return await access.CreateDynamicLinkAsync(tenant, customer_id, sendEmail: false, returnUrl, cancellationToken) switch
        {
            DynamicLinkOutcome.Created created => Results.Ok(new PortalInviteResponse(customer_id, urls.Value.StaticLoginLink(tenant.BusinessId, tenant.Mode), created.Link, created.ExpiresAt)),
            _ => ApiResults.NotFound("Customer"),
        };
    }

    private static IResult GetLinks(Tenant tenant, IOptions<PublicUrlOptions> urls) =>
        Results.Ok(new PortalLinksResponse(tenant.BusinessId, urls.Value.StaticLoginLink(tenant.BusinessId, Mode.Test), urls.Value.StaticLoginLink(tenant.BusinessId, Mode.Live)));

    private static string? ReadReturnUrl(QueryReader query)
    {
        var text = query.String("return_url", ReturnUrl.MaxLength + 1);
        if (text is null)
        {
            return null;
        }
        if (ReturnUrl.TryNormalize(text, out var url))
        {
            return url;
        }
        query.AddError("return_url", "must be an absolute https URL (http only on localhost or 127.0.0.1)");
        return null;
    }
}
