using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Catalog;

/// <summary><c>/products</c>, as the reference API.</summary>
public static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/products").RequireApiKey().WithTags("Products");
        group.MapPost("", CreateAsync).WithName("create_product").Accepts<CreateProductRequest>("application/json")
            .Produces<ProductResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListAsync).WithName("list_products")
            .Produces<Page<ProductListItem>>().ProducesApiErrors(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}", GetAsync).WithName("get_product")
            .Produces<ProductResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", PatchAsync).WithName("patch_product").Accepts<PatchProductRequest>(isOptional: true, "application/json")
            .Produces(StatusCodes.Status200OK).ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/{id}", (string id, Tenant tenant, ProductStore store, CancellationToken ct) => ArchiveAsync(id, true, tenant, store, ct)).WithName("archive_product")
            .Produces(StatusCodes.Status200OK).ProducesApiErrors(StatusCodes.Status404NotFound, StatusCodes.Status410Gone);
        group.MapPost("/{id}/unarchive", (string id, Tenant tenant, ProductStore store, CancellationToken ct) => ArchiveAsync(id, false, tenant, store, ct)).WithName("unarchive_product")
            .Produces(StatusCodes.Status200OK).ProducesApiErrors(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, ProductStore store, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, body => ProductInput.ParseCreate(body, tenant), cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var fields = parsed.Input;
        var product = await store.CreateAsync(tenant, fields, cancellationToken);
        return Results.Ok(product.ToResponse());
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, ProductStore store, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var filter = new ProductFilter(query.Boolean("archived"), query.Boolean("recurring"));
        var brand = query.String("brand_id");
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        if (brand is not null && brand != tenant.BusinessId)
        {
            return Results.Ok(new Page<ProductListItem>([]));
        }
        var products = await store.ListAsync(tenant, filter, paging, cancellationToken);
        return Results.Ok(new Page<ProductListItem>([.. products.Select(p => p.ToListItem())]));
    }

    private static async Task<IResult> GetAsync(string id, Tenant tenant, ProductStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(tenant, id, cancellationToken) is { } product
            ? Results.Ok(product.ToResponse())
            : ApiResults.NotFound("Product");

    private static async Task<IResult> PatchAsync(string id, HttpRequest request, Tenant tenant, ProductStore store, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, body => ProductInput.ParsePatch(body, tenant), cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var fields = parsed.Input;
        var found = fields.IsEmpty
            ? await store.FindAsync(tenant, id, cancellationToken) is not null
            : await store.UpdateAsync(tenant, id, fields, cancellationToken);
        return found ? Results.Ok() : ApiResults.NotFound("Product");
    }

    private static async Task<IResult> ArchiveAsync(string id, bool archive, Tenant tenant, ProductStore store, CancellationToken cancellationToken) =>
        await store.SetArchivedAsync(tenant, id, archive, cancellationToken) switch
        {
            ArchiveOutcome.Done => Results.Ok(),
            // The reference answers 410 for archiving an archived product; unarchiving an active one is a no-op.
            ArchiveOutcome.AlreadyInState when archive => new ApiErrorResult(StatusCodes.Status410Gone, new("ALREADY_ARCHIVED", "Product is already archived"), shouldRetry: false),
            ArchiveOutcome.AlreadyInState => Results.Ok(),
            _ => ApiResults.NotFound("Product"),
        };
}
