using System.Text.Json;
using Clientele.Platform.Api;

namespace Clientele.Features.Customers;

/// <summary>A customer row as stored.</summary>
public sealed record Customer(
    string Id,
    string BusinessId,
    string Mode,
    string Name,
    string Email,
    string? PhoneNumber,
    string Metadata,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public const string Columns = "id, business_id, mode, name, email, phone_number, metadata::text AS metadata, created_at, updated_at";

    public CustomerResponse ToResponse() => new(Id, BusinessId, Name, Email, PhoneNumber, Platform.Api.Metadata.Parse(Metadata), CreatedAt);
}

/// <summary>The reference's CustomerResponse.</summary>
public sealed record CustomerResponse(
    string CustomerId,
    string BusinessId,
    string Name,
    string Email,
    string? PhoneNumber,
    JsonElement Metadata,
    DateTime CreatedAt);
