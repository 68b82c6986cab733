using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Checkout;

public sealed record CreateSessionResponse(string SessionId, string CheckoutUrl, string? PaymentId, string? ClientSecret, string? PublishableKey);

public sealed record CheckoutSessionStatus(string Id, DateTime CreatedAt, string? CustomerEmail, string? CustomerName, string? PaymentId, string? PaymentStatus);

/// <summary><c>/checkouts</c>, as the reference: a session whose <c>checkout_url</c> is the hosted payment page.</summary>
public static class CheckoutsApi
{
    public static IEndpointRouteBuilder MapCheckoutsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/checkouts").RequireApiKey().WithTags("Checkout sessions");
        group.MapPost("", CreateAsync).WithName("create_checkout_session").Accepts<CreateCheckoutRequest>("application/json")
            .Produces<CreateSessionResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}", GetAsync).WithName("get_checkout_session")
            .Produces<CheckoutSessionStatus>().ProducesApiErrors(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Where the hosted page of a session lives, under the mode's public base URL.</summary>
    public static string CheckoutUrl(PublicUrlOptions urls, Mode mode, string sessionId) => $"{urls.BaseFor(mode)}/checkout/{sessionId}";

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, CreateCheckout create, IOptions<PublicUrlOptions> urls, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, CheckoutInput.Parse, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        return CheckoutHttp.ToResult(await create.RunAsync(tenant, parsed.Input, cancellationToken),
            session => new CreateSessionResponse(session.Id, CheckoutUrl(urls.Value, tenant.Mode, session.Id), null, null, null));
    }

    private static async Task<IResult> GetAsync(string id, Tenant tenant, CheckoutStore store, CancellationToken cancellationToken) =>
        await store.FindStatusAsync(tenant, id, cancellationToken) is { } status ? Results.Ok(status) : ApiResults.NotFound("Checkout session");
}

/// <summary>The one place a checkout outcome becomes HTTP.</summary>
public static class CheckoutHttp
{
    public static IResult ToResult(CreateCheckoutOutcome outcome, Func<CheckoutSession, CreateSessionResponse> created) => outcome switch
    {
        CreateCheckoutOutcome.Created done => Results.Ok(created(done.Session)),
        CreateCheckoutOutcome.UnknownCustomer => ApiResults.Invalid(new ValidationError("customer.customer_id", "is not a customer of this business")),
        CreateCheckoutOutcome.Invalid invalid => ApiResults.Invalid(invalid.Errors),
        _ => throw new InvalidOperationException($"Unmapped outcome {outcome}."),
    };
}
