using System.Text.Json;

namespace Clientele.Features.Checkout;

// The bodies' shapes for the OpenAPI document; CheckoutInput (the parser) is the authority on what is accepted.

/// <summary><c>POST /checkouts</c>: one-time products, in one currency.</summary>
public sealed record CreateCheckoutRequest(
    IReadOnlyList<CheckoutCartItemRequest> ProductCart,
    CustomerReferenceRequest? Customer = null,
    BillingAddressRequest? BillingAddress = null,
    string? ReturnUrl = null,
    Dictionary<string, JsonElement>? Metadata = null);

/// <summary>A cart line; <c>amount</c> only for pay-what-you-want products (at least their price).</summary>
public sealed record CheckoutCartItemRequest(string ProductId, int Quantity, long? Amount = null);

/// <summary>The reference's CustomerRequest: <c>{customer_id}</c> of an existing customer, or <c>{email, name?}</c>.</summary>
public sealed record CustomerReferenceRequest(string? CustomerId = null, string? Email = null, string? Name = null);

/// <summary>The reference's BillingAddress: <c>country</c> is an ISO 3166-1 alpha-2 code.</summary>
public sealed record BillingAddressRequest(
    string Country,
    string? City = null,
    string? State = null,
    string? Street = null,
    string? Zipcode = null);
