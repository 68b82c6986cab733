using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Catalog;

/// <summary>The closed set of outcomes a collection change can have; mapped to HTTP in one place (<see cref="CollectionHttp"/>).</summary>
public abstract record CollectionOutcome
{
    public sealed record Done(string Id) : CollectionOutcome;

    public sealed record NotFound(string What) : CollectionOutcome;

    public sealed record Invalid(ValidationError Error) : CollectionOutcome;

    public sealed record ProductTaken(string ProductId) : CollectionOutcome;
}

/// <summary>Product collections with ordered groups; writes run in one transaction each.</summary>
public sealed class CollectionStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<CollectionOutcome> CreateAsync(Tenant tenant, CollectionInput input, CancellationToken cancellationToken)
    {
        var id = Ids.New(Ids.ProductCollection);
        var now = clock.GetUtcNow().UtcDateTime;
        return await InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO product_collections (id, business_id, mode, name, description, proration_billing_mode_on_upgrade,
                    proration_billing_mode_on_downgrade, effective_at_on_upgrade, effective_at_on_downgrade, on_payment_failure, created_at, updated_at)
                VALUES (@id, @businessId, @mode, @Name, @Description, @ProrationBillingModeOnUpgrade, @ProrationBillingModeOnDowngrade,
                    @EffectiveAtOnUpgrade, @EffectiveAtOnDowngrade, @OnPaymentFailure, @now, @now)
                """,
                new
                {
                    id,
                    businessId = tenant.BusinessId,
                    mode = tenant.ModeText,
                    input.Name,
                    input.Description,
                    input.Defaults.ProrationBillingModeOnUpgrade,
                    input.Defaults.ProrationBillingModeOnDowngrade,
                    input.Defaults.EffectiveAtOnUpgrade,
                    input.Defaults.EffectiveAtOnDowngrade,
                    input.Defaults.OnPaymentFailure,
                    now,
                }, transaction, cancellationToken: cancellationToken));
            for (var position = 0; position < input.Groups.Count; position++)
            {
                var outcome = await InsertGroupAsync(connection, transaction, tenant, id, input.Groups[position], position, $"groups[{position}].products", cancellationToken);
                if (outcome is not CollectionOutcome.Done)
                {
                    return outcome;
                }
            }
            return new CollectionOutcome.Done(id);
        }, cancellationToken);
    }

    public async Task<CollectionOutcome> AddGroupAsync(Tenant tenant, string collectionId, GroupInput group, CancellationToken cancellationToken) =>
        await InTransactionAsync(async (connection, transaction) =>
        {
            if (await LockCollectionAsync(connection, transaction, tenant, collectionId, cancellationToken) is not { } nextPosition)
            {
                return new CollectionOutcome.NotFound("Product collection");
            }
            return await InsertGroupAsync(connection, transaction, tenant, collectionId, group, nextPosition, "products", cancellationToken);
        }, cancellationToken);

    public async Task<CollectionOutcome> AddItemsAsync(Tenant tenant, string collectionId, string groupId, IReadOnlyList<(string ProductId, bool Status)> products, CancellationToken cancellationToken) =>
        await InTransactionAsync(async (connection, transaction) =>
        {
            if (await LockCollectionAsync(connection, transaction, tenant, collectionId, cancellationToken) is null)
            {
                return new CollectionOutcome.NotFound("Product collection");
            }
            var start = await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition("""
                SELECT coalesce((SELECT max(position) + 1 FROM product_collection_items WHERE group_id = g.id AND business_id = g.business_id AND mode = g.mode), 0)
                FROM product_collection_groups g WHERE g.id = @groupId AND g.collection_id = @collectionId AND g.business_id = @businessId AND g.mode = @mode
                """, new { groupId, collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
            if (start is null)
            {
                return new CollectionOutcome.NotFound("Product collection group");
            }
            var outcome = await InsertItemsAsync(connection, transaction, tenant, collectionId, groupId, products, start.Value, "products", cancellationToken);
            return outcome is CollectionOutcome.Done ? new CollectionOutcome.Done(groupId) : outcome;
        }, cancellationToken);

    public async Task<bool> DeleteGroupAsync(Tenant tenant, string collectionId, string groupId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM product_collection_groups WHERE id = @groupId AND collection_id = @collectionId AND business_id = @businessId AND mode = @mode",
            new { groupId, collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> DeleteItemAsync(Tenant tenant, string collectionId, string groupId, string itemId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM product_collection_items WHERE id = @itemId AND group_id = @groupId AND collection_id = @collectionId AND business_id = @businessId AND mode = @mode",
            new { itemId, groupId, collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<CollectionOutcome> UpdateAsync(Tenant tenant, string collectionId, CollectionPatch patch, CancellationToken cancellationToken) =>
        await InTransactionAsync(async (connection, transaction) =>
        {
            if (await LockCollectionAsync(connection, transaction, tenant, collectionId, cancellationToken) is null)
            {
                return new CollectionOutcome.NotFound("Product collection");
            }
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE product_collections SET name = coalesce(@Name, name), description = coalesce(@Description, description),
                    proration_billing_mode_on_upgrade = coalesce(@ProrationBillingModeOnUpgrade, proration_billing_mode_on_upgrade),
                    proration_billing_mode_on_downgrade = coalesce(@ProrationBillingModeOnDowngrade, proration_billing_mode_on_downgrade),
                    effective_at_on_upgrade = coalesce(@EffectiveAtOnUpgrade, effective_at_on_upgrade),
                    effective_at_on_downgrade = coalesce(@EffectiveAtOnDowngrade, effective_at_on_downgrade),
                    on_payment_failure = coalesce(@OnPaymentFailure, on_payment_failure), updated_at = @now
                WHERE id = @collectionId AND business_id = @businessId AND mode = @mode
                """,
                new
                {
                    collectionId,
                    businessId = tenant.BusinessId,
                    mode = tenant.ModeText,
                    patch.Name,
                    patch.Description,
                    patch.Defaults.ProrationBillingModeOnUpgrade,
                    patch.Defaults.ProrationBillingModeOnDowngrade,
                    patch.Defaults.EffectiveAtOnUpgrade,
                    patch.Defaults.EffectiveAtOnDowngrade,
                    patch.Defaults.OnPaymentFailure,
                    now = clock.GetUtcNow().UtcDateTime,
                }, transaction, cancellationToken: cancellationToken));
            if (patch.GroupOrder is { } order)
            {
                var existing = (await connection.QueryAsync<string>(new CommandDefinition(
                    "SELECT id FROM product_collection_groups WHERE collection_id = @collectionId AND business_id = @businessId AND mode = @mode",
                    new { collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken))).ToHashSet();
                if (!existing.SetEquals(order) || order.Count != existing.Count)
                {
                    return new CollectionOutcome.Invalid(new("group_order", "must list every group of the collection exactly once"));
                }
                await connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE product_collection_groups g SET position = o.position - 1
                    FROM unnest(@order::text[]) WITH ORDINALITY AS o(id, position)
                    WHERE g.id = o.id AND g.collection_id = @collectionId AND g.business_id = @businessId AND g.mode = @mode
                    """, new { order = order.ToArray(), collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
            }
            return new CollectionOutcome.Done(collectionId);
        }, cancellationToken);

    public async Task<ArchiveOutcome> SetArchivedAsync(Tenant tenant, string collectionId, bool archived, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var previous = await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition("""
            UPDATE product_collections c SET archived = @archived, updated_at = @now
            FROM (SELECT id, archived FROM product_collections WHERE id = @collectionId AND business_id = @businessId AND mode = @mode FOR UPDATE) old
            WHERE c.id = old.id AND c.business_id = @businessId AND c.mode = @mode RETURNING old.archived
            """,
            new { collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText, archived, now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
        return previous switch
        {
            null => ArchiveOutcome.NotFound,
            var was when was == archived => ArchiveOutcome.AlreadyInState,
            _ => ArchiveOutcome.Done,
        };
    }

    private static async Task<int?> LockCollectionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string collectionId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition("""
            SELECT coalesce((SELECT max(position) + 1 FROM product_collection_groups WHERE collection_id = c.id AND business_id = c.business_id AND mode = c.mode), 0)
            FROM product_collections c WHERE c.id = @collectionId AND c.business_id = @businessId AND c.mode = @mode FOR UPDATE
            """, new { collectionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));

    private static async Task<CollectionOutcome> InsertGroupAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string collectionId, GroupInput group, int position, string field, CancellationToken cancellationToken)
    {
        var groupId = Ids.New(Ids.ProductCollectionGroup);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO product_collection_groups (id, business_id, mode, collection_id, group_name, status, position, created_at)
            VALUES (@groupId, @businessId, @mode, @collectionId, @GroupName, @Status, @position, now())
            """,
            new { groupId, businessId = tenant.BusinessId, mode = tenant.ModeText, collectionId, group.GroupName, group.Status, position },
            transaction, cancellationToken: cancellationToken));
        var outcome = await InsertItemsAsync(connection, transaction, tenant, collectionId, groupId, group.Products, 0, field, cancellationToken);
        return outcome is CollectionOutcome.Done ? new CollectionOutcome.Done(groupId) : outcome;
    }

    private static async Task<CollectionOutcome> InsertItemsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string collectionId, string groupId, IReadOnlyList<(string ProductId, bool Status)> products, int start, string field, CancellationToken cancellationToken)
    {
        var ids = products.Select(p => p.ProductId).ToArray();
        var known = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM products WHERE id = ANY(@ids) AND business_id = @businessId AND mode = @mode",
            new { ids, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken))).ToHashSet();
        if (ids.FirstOrDefault(id => !known.Contains(id)) is { } unknown)
        {
            return new CollectionOutcome.Invalid(new(field, $"product {unknown} does not exist"));
        }
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO product_collection_items (id, business_id, mode, collection_id, group_id, product_id, status, position, created_at)
                SELECT p.item_id, @businessId, @mode, @collectionId, @groupId, p.product_id, p.status, @start + p.ordinality - 1, now()
                FROM unnest(@itemIds::text[], @ids::text[], @statuses::boolean[]) WITH ORDINALITY AS p(item_id, product_id, status, ordinality)
                """,
                new
                {
                    businessId = tenant.BusinessId,
                    mode = tenant.ModeText,
                    collectionId,
                    groupId,
                    itemIds = ids.Select(_ => Ids.New(Ids.ProductCollectionItem)).ToArray(),
                    ids,
                    statuses = products.Select(p => p.Status).ToArray(),
                    start,
                },
                transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "product_collection_items_one_collection" })
        {
            var taken = ex.Detail is { } detail && ids.FirstOrDefault(id => detail.Contains(id, StringComparison.Ordinal)) is { } id ? id : string.Join(", ", ids);
            return new CollectionOutcome.ProductTaken(taken);
        }
        return new CollectionOutcome.Done(groupId);
    }

    private async Task<CollectionOutcome> InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task<CollectionOutcome>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        CollectionOutcome outcome;
        try
        {
            outcome = await work(connection, transaction);
        }
        catch (PostgresException)
        {
            await transaction.RollbackAsync(cancellationToken);
            throw;
        }
        if (outcome is CollectionOutcome.Done)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        return outcome;
    }
}

public sealed record CollectionPatch(string? Name, string? Description, CollectionPlanChangeDefaults Defaults, IReadOnlyList<string>? GroupOrder);
