using Clientele.Features.Catalog;
using Clientele.Features.Customers;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Npgsql;

namespace Clientele.Features.Checkout;

public abstract record CreateCheckoutOutcome
{
    public sealed record Created(CheckoutSession Session) : CreateCheckoutOutcome;

    /// <summary><c>customer.customer_id</c> names no customer of this business and mode.</summary>
    public sealed record UnknownCustomer : CreateCheckoutOutcome;

    /// <summary>The cart cannot be priced (unknown or archived products, amounts, currencies…).</summary>
    public sealed record Invalid(IReadOnlyList<ValidationError> Errors) : CreateCheckoutOutcome;
}

/// <summary>Creates a checkout session: the cart is priced from the catalog once, here, and fixed in the session.</summary>
public sealed class CreateCheckout(NpgsqlDataSource dataSource, CheckoutStore store, CustomerStore customers)
{
    public async Task<CreateCheckoutOutcome> RunAsync(Tenant tenant, CheckoutRequest input, CancellationToken cancellationToken)
    {
        if (input.CustomerId is not null && await customers.FindAsync(tenant, input.CustomerId, cancellationToken) is null)
        {
            return new CreateCheckoutOutcome.UnknownCustomer();
        }
        IReadOnlyList<Product> products;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            products = await ProductStore.FindManyAsync(connection, tenant, [.. input.Cart.Select(l => l.ProductId).Distinct()], cancellationToken);
        }
        var errors = new List<ValidationError>();
        var lines = CheckoutInput.Price(input, products, errors);
        if (lines is null)
        {
            return new CreateCheckoutOutcome.Invalid(errors);
        }
        if (lines.Sum(l => l.Amount) > InputRules.MaxAmount)
        {
            return new CreateCheckoutOutcome.Invalid([new ValidationError("product_cart", $"totals more than {InputRules.MaxAmount} minor units")]);
        }
        var currency = products.First(p => p.Id == lines[0].ProductId).Currency;
        return new CreateCheckoutOutcome.Created(await store.CreateAsync(tenant, input, lines, currency, cancellationToken));
    }
}
