using Clientele.Features.Catalog;
using Clientele.Features.Customers;
using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Checkout;

public sealed record CreateSessionResponse(string SessionId, string CheckoutUrl, string? PaymentId, string? ClientSecret, string? PublishableKey);

public sealed record CheckoutSessionStatus(string Id, DateTime CreatedAt, string? CustomerEmail, string? CustomerName, string? PaymentId, string? PaymentStatus);

/// <summary><c>/checkouts</c>, as the reference: a session whose <c>checkout_url</c> is the hosted payment page.</summary>
public static class CheckoutsApi
{
    public static IEndpointRouteBuilder MapCheckoutsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/checkouts").RequireApiKey().WithTags("Checkout sessions");
        group.MapPost("", CreateAsync).WithName("create_checkout_session");
        group.MapGet("/{id}", GetAsync).WithName("get_checkout_session");
        return app;
    }

    /// <summary>Where the hosted page of a session lives, under the mode's public base URL.</summary>
    public static string CheckoutUrl(PublicUrlOptions urls, Mode mode, string sessionId) => $"{urls.BaseFor(mode)}/checkout/{sessionId}";

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, NpgsqlDataSource dataSource, CheckoutStore store, CustomerStore customers, IOptions<PublicUrlOptions> urls, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, CheckoutInput.Parse, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var input = parsed.Input;
        if (input.CustomerId is not null && await customers.FindAsync(tenant, input.CustomerId, cancellationToken) is null)
        {
            return ApiResults.Invalid(new ValidationError("customer.customer_id", "is not a customer of this business"));
        }
        IReadOnlyList<Product> products;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            products = await ProductStore.FindManyAsync(connection, tenant, [.. input.Cart.Select(l => l.ProductId).Distinct()], cancellationToken);
        }
        var errors = new List<ValidationError>();
        var lines = CheckoutInput.Price(input, products, errors);
        if (lines is null)
        {
            return ApiResults.Invalid(errors);
        }
        if (lines.Sum(l => l.Amount) > InputRules.MaxAmount)
        {
            return ApiResults.Invalid(new ValidationError("product_cart", $"totals more than {InputRules.MaxAmount} minor units"));
        }
        var currency = products.First(p => p.Id == lines[0].ProductId).Currency;
        var session = await store.CreateAsync(tenant, input, lines, currency, cancellationToken);
        return Results.Ok(new CreateSessionResponse(session.Id, CheckoutUrl(urls.Value, tenant.Mode, session.Id), null, null, null));
    }

    private static async Task<IResult> GetAsync(string id, Tenant tenant, CheckoutStore store, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(tenant, id, cancellationToken) is not { } session)
        {
            return ApiResults.NotFound("Checkout session");
        }
        string? status = null;
        if (session.PaymentId is not null)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            status = await Dapper.SqlMapper.QuerySingleOrDefaultAsync<string>(connection, new Dapper.CommandDefinition(
                "SELECT status FROM payments WHERE id = @id AND business_id = @businessId AND mode = @mode",
                new { id = session.PaymentId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
        }
        return Results.Ok(new CheckoutSessionStatus(session.Id, session.CreatedAt, session.CustomerEmail, session.CustomerName, session.PaymentId, status));
    }
}
