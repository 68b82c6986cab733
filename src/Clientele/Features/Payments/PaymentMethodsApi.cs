using Clientele.Features.Customers;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Payments;

public sealed record CardSummary(string? CardHolderName, string? CardIssuingCountry, string CardNetwork, string CardType, string ExpiryMonth, string ExpiryYear, string Last4Digits);

public sealed record PaymentMethodItem(string PaymentMethodId, string PaymentMethod, string PaymentMethodType, CardSummary Card, DateTime? LastUsedAt, bool RecurringEnabled);

public sealed record PaymentMethodList(IReadOnlyList<PaymentMethodItem> Items);

/// <summary><c>/customers/{id}/payment-methods</c>: a customer's saved cards (never their numbers).</summary>
public static class PaymentMethodsApi
{
    public static IEndpointRouteBuilder MapPaymentMethodsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/customers/{customer_id}/payment-methods").RequireApiKey().WithTags("Customers");
        group.MapGet("", ListAsync).WithName("list_customer_payment_methods")
            .Produces<PaymentMethodList>().ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapDelete("/{payment_method_id}", DeleteAsync).WithName("delete_customer_payment_method")
            .Produces(StatusCodes.Status204NoContent).ProducesApiErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> ListAsync(string customer_id, Tenant tenant, CustomerStore customers, PaymentMethodStore store, CancellationToken cancellationToken)
    {
        if (await customers.FindAsync(tenant, customer_id, cancellationToken) is null)
        {
            return ApiResults.NotFound("Customer");
        }
        return Results.Ok(new PaymentMethodList(await store.ListAsync(tenant, customer_id, cancellationToken)));
    }

    private static async Task<IResult> DeleteAsync(string customer_id, string payment_method_id, Tenant tenant, RemovePaymentMethod remove, CancellationToken cancellationToken) =>
        PaymentMethodHttp.ToResult(await remove.RunAsync(tenant, customer_id, payment_method_id, cancellationToken));
}

/// <summary>The one place a payment-method outcome becomes HTTP.</summary>
public static class PaymentMethodHttp
{
    public static IResult ToResult(RemovePaymentMethodOutcome outcome) => outcome switch
    {
        RemovePaymentMethodOutcome.Removed => Results.NoContent(),
        RemovePaymentMethodOutcome.InUse => ApiResults.Conflict("PAYMENT_METHOD_IN_USE", "payment_method_id: in use by an active subscription; switch the subscription to another payment method first"),
        RemovePaymentMethodOutcome.NotFound => ApiResults.NotFound("Payment method"),
        _ => throw new InvalidOperationException($"Unmapped outcome {outcome}."),
    };
}
