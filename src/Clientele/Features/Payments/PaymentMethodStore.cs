using System.Globalization;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments;

/// <summary>Reads a customer's saved cards (what may be shown, never the number or the processor token).</summary>
public sealed class PaymentMethodStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<PaymentMethodItem>> ListAsync(Tenant tenant, string customerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string CardNetwork, string CardType, string Last4, int ExpiryMonth, int ExpiryYear, string? CardHolderName, string? CardIssuingCountry, DateTime? LastUsedAt, bool RecurringEnabled)>(
            new CommandDefinition("""
                SELECT id, card_network, card_type, last4, expiry_month, expiry_year, card_holder_name, card_issuing_country, last_used_at, recurring_enabled
                FROM payment_methods WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
                ORDER BY created_at DESC, id DESC
                """, new { customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new PaymentMethodItem(r.Id, "card", r.CardType,
            new CardSummary(r.CardHolderName, r.CardIssuingCountry, r.CardNetwork, r.CardType, r.ExpiryMonth.ToString("D2", CultureInfo.InvariantCulture),
                r.ExpiryYear.ToString(CultureInfo.InvariantCulture), r.Last4), r.LastUsedAt, r.RecurringEnabled))];
    }
}
