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
        group.MapPost("", CreateAsync).WithName("create_product_collection").Accepts<CreateProductCollectionRequest>("application/json")
            .Produces<CollectionResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListAsync).WithName("list_product_collections")
            .Produces<Page<CollectionListItem>>().ProducesApiErrors(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}", GetAsync).WithName("get_product_collection")
            .Produces<CollectionResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", PatchAsync).WithName("patch_product_collection").Accepts<PatchProductCollectionRequest>(isOptional: true, "application/json")
            .Produces(StatusCodes.Status200OK).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/{id}", ArchiveAsync).WithName("archive_product_collection")
            .Produces(StatusCodes.Status200OK).ProducesApiErrors(StatusCodes.Status404NotFound, StatusCodes.Status410Gone);
        group.MapPost("/{id}/unarchive", UnarchiveAsync).WithName("unarchive_product_collection")
            .Produces<UnarchiveCollectionResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/groups", AddGroupAsync).WithName("create_product_collection_group").Accepts<ProductCollectionGroupRequest>("application/json")
            .Produces<CollectionGroupResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/{id}/groups/{group_id}", async (string id, string group_id, Tenant tenant, CollectionStore store, CancellationToken ct) =>
            await store.DeleteGroupAsync(tenant, id, group_id, ct) ? Results.NoContent() : ApiResults.NotFound("Product collection group"))
            .WithName("delete_product_collection_group").Produces(StatusCodes.Status204NoContent).ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/groups/{group_id}/items", AddItemsAsync).WithName("add_product_collection_items").Accepts<AddProductCollectionItemsRequest>("application/json")
            .Produces<List<CollectionProductResponse>>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/{id}/groups/{group_id}/items/{item_id}", async (string id, string group_id, string item_id, Tenant tenant, CollectionStore store, CancellationToken ct) =>
            await store.DeleteItemAsync(tenant, id, group_id, item_id, ct) ? Results.NoContent() : ApiResults.NotFound("Product collection item"))
            .WithName("delete_product_collection_item").Produces(StatusCodes.Status204NoContent).ProducesApiErrors(StatusCodes.Status404NotFound);
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
            : CollectionHttp.ToResult(outcome, _ => Results.Ok());
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
        return CollectionHttp.ToResult(outcome, _ => Results.Ok());
    }

    private static async Task<IResult> ArchiveAsync(string id, Tenant tenant, CollectionStore store, CancellationToken cancellationToken) =>
        CollectionHttp.Archived(await store.SetArchivedAsync(tenant, id, true, cancellationToken));

    private static async Task<IResult> UnarchiveAsync(string id, Tenant tenant, CollectionStore store, CancellationToken cancellationToken) =>
        CollectionHttp.Unarchived(await store.SetArchivedAsync(tenant, id, false, cancellationToken), id);

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
            return CollectionHttp.ToResult(outcome, _ => Results.Ok());
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
            return CollectionHttp.ToResult(outcome, _ => Results.Ok());
        }
        var collection = await queries.FindAsync(tenant, id, cancellationToken);
        var added = products.Select(p => p.ProductId).ToHashSet();
        return Results.Ok(collection!.Groups.Single(g => g.GroupId == group_id).Products.Where(p => added.Contains(p.ProductId)).ToList());
    }
}

/// <summary>The one place a collection outcome becomes HTTP.</summary>
public static class CollectionHttp
{
    public static IResult ToResult(CollectionOutcome outcome, Func<string, IResult> onDone) => outcome switch
    {
        CollectionOutcome.Done done => onDone(done.Id),
        CollectionOutcome.NotFound notFound => ApiResults.NotFound(notFound.What),
        CollectionOutcome.Invalid invalid => ApiResults.Invalid(invalid.Error),
        CollectionOutcome.ProductTaken taken => ApiResults.Conflict("PRODUCT_IN_ANOTHER_COLLECTION", $"products: {taken.ProductId} already belongs to a collection; a product belongs to one collection"),
        _ => throw new InvalidOperationException($"Unmapped outcome {outcome}."),
    };

    public static IResult Archived(ArchiveOutcome outcome) => outcome switch
    {
        ArchiveOutcome.NotFound => ApiResults.NotFound("Product collection"),
        ArchiveOutcome.AlreadyInState => new ApiErrorResult(StatusCodes.Status410Gone, new("ALREADY_ARCHIVED", "Product collection is already archived"), shouldRetry: false),
        _ => Results.Ok(),
    };

    /// <summary>Unarchiving an active collection is not an error: it answers as if it had just been unarchived.</summary>
    public static IResult Unarchived(ArchiveOutcome outcome, string id) => outcome == ArchiveOutcome.NotFound
        ? ApiResults.NotFound("Product collection")
        : Results.Ok(new UnarchiveCollectionResponse("Product collection unarchived", id, []));
}

public sealed record UnarchiveCollectionResponse(string Message, string CollectionId, IReadOnlyList<string> ExcludedProductIds);
