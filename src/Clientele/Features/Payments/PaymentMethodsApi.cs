using Clientele.Features.Customers;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments;

public sealed record CardSummary(string? CardHolderName, string? CardIssuingCountry, string CardNetwork, string CardType, string ExpiryMonth, string ExpiryYear, string Last4Digits);

public sealed record PaymentMethodItem(string PaymentMethodId, string PaymentMethod, string PaymentMethodType, CardSummary Card, DateTime? LastUsedAt, bool RecurringEnabled);

/// <summary><c>/customers/{id}/payment-methods</c>: a customer's saved cards (never their numbers).</summary>
public static class PaymentMethodsApi
{
    public static IEndpointRouteBuilder MapPaymentMethodsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/customers/{customer_id}/payment-methods").RequireApiKey().WithTags("Customers");
        group.MapGet("", ListAsync).WithName("list_customer_payment_methods");
        group.MapDelete("/{payment_method_id}", DeleteAsync).WithName("delete_customer_payment_method");
        return app;
    }

    private static async Task<IResult> ListAsync(string customer_id, Tenant tenant, CustomerStore customers, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (await customers.FindAsync(tenant, customer_id, cancellationToken) is null)
        {
            return ApiResults.NotFound("Customer");
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string CardNetwork, string CardType, string Last4, int ExpiryMonth, int ExpiryYear, string? CardHolderName, string? CardIssuingCountry, DateTime? LastUsedAt, bool RecurringEnabled)>(
            new CommandDefinition("""
                SELECT id, card_network, card_type, last4, expiry_month, expiry_year, card_holder_name, card_issuing_country, last_used_at, recurring_enabled
                FROM payment_methods WHERE customer_id = @customer_id AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
                ORDER BY created_at DESC, id DESC
                """, new { customer_id, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
        var items = rows.Select(r => new PaymentMethodItem(r.Id, "card", r.CardType,
            new CardSummary(r.CardHolderName, r.CardIssuingCountry, r.CardNetwork, r.CardType, r.ExpiryMonth.ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
                r.ExpiryYear.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Last4), r.LastUsedAt, r.RecurringEnabled)).ToList();
        return Results.Ok(new { items });
    }

    /// <summary>
    /// Deletes (soft: payments keep pointing at it) unless something active still charges it, checked
    /// in the same statement against the payment_method_uses view that subscriptions extend.
    /// </summary>
    private static async Task<IResult> DeleteAsync(string customer_id, string payment_method_id, Tenant tenant, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var outcome = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            WITH target AS (
                SELECT id FROM payment_methods
                WHERE id = @payment_method_id AND customer_id = @customer_id AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
                FOR UPDATE),
            deleted AS (
                UPDATE payment_methods pm SET deleted_at = @now FROM target t
                WHERE pm.id = t.id AND NOT EXISTS (
                    SELECT 1 FROM payment_method_uses u WHERE u.payment_method_id = t.id AND u.business_id = @businessId AND u.mode = @mode)
                RETURNING pm.id)
            SELECT CASE WHEN EXISTS (SELECT 1 FROM deleted) THEN 'deleted' ELSE 'in_use' END FROM target
            """,
            new { payment_method_id, customer_id, businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
        return outcome switch
        {
            "deleted" => Results.NoContent(),
            "in_use" => ApiResults.Conflict("PAYMENT_METHOD_IN_USE", "payment_method_id: in use by an active subscription; switch the subscription to another payment method first"),
            _ => ApiResults.NotFound("Payment method"),
        };
    }
}
