using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Catalog;

/// <summary>Reads collections whole: the collection, its groups and their products in three queries.</summary>
public sealed class CollectionQueries(NpgsqlDataSource dataSource)
{
    private sealed record ItemRow(string Id, string GroupId, bool Status, int Position)
    {
        public Product Product { get; set; } = null!;
    }

    public async Task<CollectionResponse?> FindAsync(Tenant tenant, string collectionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tenantArgs = new { collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText };
        var collection = await connection.QuerySingleOrDefaultAsync<CollectionRow>(new CommandDefinition(
            $"SELECT {CollectionRow.Columns} FROM product_collections WHERE id = @collectionId AND business_id = @businessId AND mode = @mode",
            tenantArgs, cancellationToken: cancellationToken));
        if (collection is null)
        {
            return null;
        }
        var groups = (await connection.QueryAsync<GroupRow>(new CommandDefinition(
            "SELECT id, collection_id, group_name, status, position FROM product_collection_groups WHERE collection_id = @collectionId AND business_id = @businessId AND mode = @mode ORDER BY position, id",
            tenantArgs, cancellationToken: cancellationToken))).AsList();
        var items = (await connection.QueryAsync<ItemRow, Product, ItemRow>(new CommandDefinition($"""
            SELECT i.id, i.group_id, i.status, i.position, {Product.Columns}
            FROM product_collection_items i JOIN products p ON p.id = i.product_id
            WHERE i.collection_id = @collectionId AND i.business_id = @businessId AND i.mode = @mode
            ORDER BY i.position, i.id
            """, tenantArgs, cancellationToken: cancellationToken),
            (item, product) =>
            {
                item.Product = product;
                return item;
            },
            splitOn: "id")).ToLookup(i => i.GroupId);
        return new CollectionResponse(
            collection.Id, collection.BusinessId, collection.Name, collection.Description, collection.Image,
            [.. groups.Select(g => new CollectionGroupResponse(g.Id, g.GroupName, g.Status, [.. items[g.Id].Select(ToResponse)]))],
            collection.ProrationBillingModeOnUpgrade, collection.ProrationBillingModeOnDowngrade,
            collection.EffectiveAtOnUpgrade, collection.EffectiveAtOnDowngrade, collection.OnPaymentFailure,
            collection.Archived, collection.CreatedAt, collection.UpdatedAt);
    }

    public async Task<IReadOnlyList<CollectionListItem>> ListAsync(Tenant tenant, bool archived, Paging paging, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CollectionListItem>(new CommandDefinition("""
            SELECT c.id, c.name, c.description, c.image,
                   (SELECT count(*)::int FROM product_collection_items i WHERE i.collection_id = c.id) AS products_count,
                   c.created_at, c.updated_at
            FROM product_collections c
            WHERE c.business_id = @businessId AND c.mode = @mode AND c.archived = @archived
            ORDER BY c.created_at DESC, c.id DESC LIMIT @limit OFFSET @offset
            """,
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, archived, limit = paging.Size, offset = paging.Offset },
            cancellationToken: cancellationToken))).AsList();
    }

    private static CollectionProductResponse ToResponse(ItemRow item)
    {
        var p = item.Product;
        return new CollectionProductResponse(
            item.Id, p.Id, item.Status, p.Name, p.Description, p.IsRecurring, p.LicenseKeyEnabled, p.Currency, p.PriceAmount,
            p.Price.ToJson(), p.TaxCategory, p.TaxInclusive, p.Meters is null ? 0 : System.Text.Json.JsonDocument.Parse(p.Meters).RootElement.GetArrayLength(),
            0, p.Addons.Length, false);
    }
}
