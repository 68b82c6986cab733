using System.Text.Json;
using Clientele.Primitives;

namespace Clientele.Features.Checkout;

/// <summary>One priced cart line, fixed when the session is created.</summary>
public sealed record CartLine(string ProductId, string Name, string? Description, int Quantity, long UnitAmount, long DiscountAmount, long Amount);

public sealed record BillingAddress(string Country, string? City, string? State, string? Street, string? Zipcode);

/// <summary>A checkout session row as stored.</summary>
public sealed class CheckoutSession
{
    public const string Columns = """
        id, business_id, mode, customer_id, customer_email, customer_name, billing::text AS billing, currency, total_amount,
        cart::text AS cart, return_url, metadata::text AS metadata, status, attempt_key, attempt_started_at,
        attempt_card::text AS attempt_card, payment_id, expires_at, created_at, subscription_id, purpose
        """;

    public string Id { get; init; } = "";

    public string BusinessId { get; init; } = "";

    public string Mode { get; init; } = "";

    public string? CustomerId { get; init; }

    public string? CustomerEmail { get; init; }

    public string? CustomerName { get; init; }

    public string? Billing { get; init; }

    public string Currency { get; init; } = "";

    public long TotalAmount { get; init; }

    public string Cart { get; init; } = "[]";

    public string? ReturnUrl { get; init; }

    public string Metadata { get; init; } = "{}";

    public string Status { get; init; } = "";

    public string? AttemptKey { get; init; }

    public DateTime? AttemptStartedAt { get; init; }

    public string? AttemptCard { get; init; }

    public string? PaymentId { get; init; }

    public DateTime ExpiresAt { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>The subscription this session starts (purpose <c>subscription</c>) or repairs (<c>update_payment_method</c>).</summary>
    public string? SubscriptionId { get; init; }

    public string Purpose { get; init; } = "purchase";

    /// <summary>Only saves a card (nothing to pay): the hosted page says so instead of showing a total.</summary>
    public bool SavesCardOnly => Purpose == CheckoutPurposes.SaveCard;

    public Tenant Tenant => new(BusinessId, ModeText.Parse(Mode));

    public IReadOnlyList<CartLine> Lines => JsonSerializer.Deserialize<List<CartLine>>(Cart, CheckoutJson.Options)!;

    public BillingAddress? BillingAddress => Billing is null ? null : JsonSerializer.Deserialize<BillingAddress>(Billing, CheckoutJson.Options);
}

/// <summary>What a checkout session is for (<c>checkout_sessions.purpose</c>).</summary>
public static class CheckoutPurposes
{
    /// <summary>Saves a card for an existing customer and charges nothing (the portal's "Add a card").</summary>
    public const string SaveCard = "save_card";
}

internal static class CheckoutJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
