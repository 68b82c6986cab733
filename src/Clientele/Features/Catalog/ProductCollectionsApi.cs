using System.Text.Json;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Catalog;

/// <summary><c>/product-collections</c>, as the reference API (groups and their products are ordered).</summary>
public static class ProductCollectionsApi
{
    public static IEndpointRouteBuilder MapProductCollectionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/product-collections").RequireApiKey().WithTags("Product collections");
        group.MapPost("", CreateAsync).WithName("create_product_collection");
        group.MapGet("", ListAsync).WithName("list_product_collections");
        group.MapGet("/{id}", GetAsync).WithName("get_product_collection");
        group.MapPatch("/{id}", PatchAsync).WithName("patch_product_collection");
        group.MapDelete("/{id}", ArchiveAsync).WithName("archive_product_collection");
        group.MapPost("/{id}/unarchive", UnarchiveAsync).WithName("unarchive_product_collection");
        group.MapPost("/{id}/groups", AddGroupAsync).WithName("create_product_collection_group");
        group.MapDelete("/{id}/groups/{group_id}", async (string id, string group_id, Tenant tenant, CollectionStore store, CancellationToken ct) =>
            await store.DeleteGroupAsync(tenant, id, group_id, ct) ? Results.NoContent() : ApiResults.NotFound("Product collection group"))
            .WithName("delete_product_collection_group");
        group.MapPost("/{id}/groups/{group_id}/items", AddItemsAsync).WithName("add_product_collection_items");
        group.MapDelete("/{id}/groups/{group_id}/items/{item_id}", async (string id, string group_id, string item_id, Tenant tenant, CollectionStore store, CancellationToken ct) =>
            await store.DeleteItemAsync(tenant, id, group_id, item_id, ct) ? Results.NoContent() : ApiResults.NotFound("Product collection item"))
            .WithName("delete_product_collection_item");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, CollectionStore store, CollectionQueries queries, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, CollectionInputReader.ParseCreate, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var input = parsed.Input;
        var outcome = await store.CreateAsync(tenant, input, cancellationToken);
        return outcome is CollectionOutcome.Done done
            ? Results.Ok(await queries.FindAsync(tenant, done.Id, cancellationToken))
            : outcome.ToHttp(_ => Results.Ok());
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, CollectionQueries queries, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var archived = query.Boolean("archived") ?? false;
        var brand = query.String("brand_id");
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        if (brand is not null && brand != tenant.BusinessId)
        {
            return Results.Ok(new Page<CollectionListItem>([]));
        }
        return Results.Ok(new Page<CollectionListItem>(await queries.ListAsync(tenant, archived, paging, cancellationToken)));
    }

    private static async Task<IResult> GetAsync(string id, Tenant tenant, CollectionQueries queries, CancellationToken cancellationToken) =>
        await queries.FindAsync(tenant, id, cancellationToken) is { } collection ? Results.Ok(collection) : ApiResults.NotFound("Product collection");

    private static async Task<IResult> PatchAsync(string id, HttpRequest request, Tenant tenant, CollectionStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var name = InputRules.OptionalText(body!, "name", ProductInput.MaxNameLength);
        var description = InputRules.OptionalText(body!, "description", ProductInput.MaxDescriptionLength);
        var defaults = CollectionInputReader.Defaults(body!);
        List<string>? order = null;
        if (body!.Element("group_order").Value is { } element)
        {
            if (element.ValueKind == JsonValueKind.Array && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            {
                order = [.. element.EnumerateArray().Select(e => e.GetString()!)];
            }
            else
            {
                body.AddError("group_order", "must be an array of group ids");
            }
        }
        if (body.HasErrors)
        {
            return body.ErrorResult;
        }
        var outcome = await store.UpdateAsync(tenant, id, new CollectionPatch(name, description, defaults, order), cancellationToken);
        return outcome.ToHttp(_ => Results.Ok());
    }

    private static async Task<IResult> ArchiveAsync(string id, Tenant tenant, CollectionStore store, CancellationToken cancellationToken) =>
        await store.SetArchivedAsync(tenant, id, true, cancellationToken) switch
        {
            ArchiveOutcome.NotFound => ApiResults.NotFound("Product collection"),
            ArchiveOutcome.AlreadyInState => new ApiErrorResult(StatusCodes.Status410Gone, new("ALREADY_ARCHIVED", "Product collection is already archived"), shouldRetry: false),
            _ => Results.Ok(),
        };

    private static async Task<IResult> UnarchiveAsync(string id, Tenant tenant, CollectionStore store, CancellationToken cancellationToken) =>
        await store.SetArchivedAsync(tenant, id, false, cancellationToken) == ArchiveOutcome.NotFound
            ? ApiResults.NotFound("Product collection")
            : Results.Ok(new { message = "Product collection unarchived", collection_id = id, excluded_product_ids = Array.Empty<string>() });

    private static async Task<IResult> AddGroupAsync(string id, HttpRequest request, Tenant tenant, CollectionStore store, CollectionQueries queries, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (CollectionInputReader.ParseGroup(body!) is not { } group || body!.HasErrors)
        {
            return body!.ErrorResult;
        }
        var outcome = await store.AddGroupAsync(tenant, id, group, cancellationToken);
        if (outcome is not CollectionOutcome.Done done)
        {
            return outcome.ToHttp(_ => Results.Ok());
        }
        var collection = await queries.FindAsync(tenant, id, cancellationToken);
        return Results.Ok(collection!.Groups.Single(g => g.GroupId == done.Id));
    }

    private static async Task<IResult> AddItemsAsync(string id, string group_id, HttpRequest request, Tenant tenant, CollectionStore store, CollectionQueries queries, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, CollectionInputReader.ParseProducts, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var products = parsed.Input;
        var outcome = await store.AddItemsAsync(tenant, id, group_id, products, cancellationToken);
        if (outcome is not CollectionOutcome.Done)
        {
            return outcome.ToHttp(_ => Results.Ok());
        }
        var collection = await queries.FindAsync(tenant, id, cancellationToken);
        var added = products.Select(p => p.ProductId).ToHashSet();
        return Results.Ok(collection!.Groups.Single(g => g.GroupId == group_id).Products.Where(p => added.Contains(p.ProductId)).ToList());
    }
}
