using System.Globalization;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Sessions;

/// <summary>Small writes the portal makes to its customer's row.</summary>
public static class PortalCustomers
{
    /// <summary>Remembers the language a signed-in customer uses, for mail the merchant triggers later.</summary>
    public static Task RememberCultureAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, string customerId, CultureInfo culture, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE customers SET portal_culture = @culture WHERE id = @customerId AND business_id = @businessId AND mode = @mode AND portal_culture IS DISTINCT FROM @culture",
            new { culture = culture.Name, customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
}
