using System.Text.Json;

namespace Clientele.Features.Customers;

// The bodies' shapes for the OpenAPI document; CustomerInput (the parser) is the authority on what is accepted.

/// <summary><c>POST /customers</c>: an e-mail already known returns that customer unchanged.</summary>
public sealed record CreateCustomerRequest(
    string Name,
    string Email,
    string? PhoneNumber = null,
    Dictionary<string, JsonElement>? Metadata = null);

/// <summary><c>PATCH /customers/{id}</c>: absent or null leaves a field as is, except <c>phone_number: null</c>, which clears it; <c>metadata</c> replaces the whole object.</summary>
public sealed record PatchCustomerRequest(
    string? Name = null,
    string? Email = null,
    string? PhoneNumber = null,
    Dictionary<string, JsonElement>? Metadata = null);
