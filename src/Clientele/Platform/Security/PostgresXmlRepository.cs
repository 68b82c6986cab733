using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Clientele.Platform.Security;

/// <summary>
/// Keeps the Data Protection key ring in PostgreSQL, so every server process protects and
/// unprotects with the same keys (antiforgery tokens, e-mail bodies). Data Protection calls this
/// synchronously and rarely (start-up and key rotation), hence the synchronous queries.
/// The rows are the keys themselves: guard the database as you would any secret store.
/// </summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = dataSource.OpenConnection();
        return [.. connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name").Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = dataSource.OpenConnection();
        connection.Execute(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@friendlyName, @xml) ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
