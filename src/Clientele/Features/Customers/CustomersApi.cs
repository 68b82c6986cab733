using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Customers;

/// <summary><c>/customers</c>, as the reference API.</summary>
public static class CustomersApi
{
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/customers").RequireApiKey().WithTags("Customers");
        group.MapPost("", CreateAsync).WithName("create_customer").Accepts<CreateCustomerRequest>("application/json")
            .Produces<CustomerResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListAsync).WithName("list_customers")
            .Produces<Page<CustomerResponse>>().ProducesApiErrors(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{customer_id}", GetAsync).WithName("get_customer")
            .Produces<CustomerResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapPatch("/{customer_id}", PatchAsync).WithName("patch_customer").Accepts<PatchCustomerRequest>(isOptional: true, "application/json")
            .Produces<CustomerResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, CreateCustomer operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, CustomerInput.ParseCreate, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var input = parsed.Input;
        var created = await operation.RunAsync(tenant, input, cancellationToken);
        return Results.Ok(created.Customer.ToResponse());
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, CustomerStore store, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var filter = new CustomerFilter(
            Email: query.String("email", EmailAddress.MaxLength)?.Trim(),
            Name: query.String("name", CustomerInput.MaxNameLength)?.Trim() is { Length: > 0 } name ? name : null,
            CreatedAtGte: query.Timestamp("created_at_gte"),
            CreatedAtLte: query.Timestamp("created_at_lte"));
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        var customers = await store.ListAsync(tenant, filter, paging, cancellationToken);
        return Results.Ok(new Page<CustomerResponse>([.. customers.Select(c => c.ToResponse())]));
    }

    private static async Task<IResult> GetAsync(string customer_id, Tenant tenant, CustomerStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(tenant, customer_id, cancellationToken) is { } customer
            ? Results.Ok(customer.ToResponse())
            : ApiResults.NotFound("Customer");

    private static async Task<IResult> PatchAsync(string customer_id, HttpRequest request, Tenant tenant, UpdateCustomer operation, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, CustomerInput.ParsePatch, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var changes = parsed.Input;
        return ToHttp(await operation.RunAsync(tenant, customer_id, changes, cancellationToken));
    }

    /// <summary>The one place where a customer update's outcome becomes HTTP.</summary>
    private static IResult ToHttp(UpdateOutcome outcome) => outcome switch
    {
        UpdateOutcome.Updated updated => Results.Ok(updated.Customer.ToResponse()),
        UpdateOutcome.EmailTaken => ApiResults.Conflict("EMAIL_IN_USE", "email: another customer of this business already uses this e-mail address"),
        _ => ApiResults.NotFound("Customer"),
    };
}
