using Clientele.Primitives;

namespace Clientele.Features.Customers;

/// <summary>A customer created, or the existing one with that e-mail (the API answers either unchanged).</summary>
public sealed record CreatedCustomer(Customer Customer, bool IsNew);

/// <summary>
/// Creates a customer, or finds the one with the same e-mail (case-insensitive), so integrations that
/// "create on sign-up" never make duplicates, even when racing (one guarded insert in the store).
/// </summary>
public sealed class CreateCustomer(CustomerStore store)
{
    public async Task<CreatedCustomer> RunAsync(Tenant tenant, NewCustomer input, CancellationToken cancellationToken)
    {
        var (customer, created) = await store.CreateOrGetAsync(tenant, input, cancellationToken);
        return new CreatedCustomer(customer, created);
    }
}

/// <summary>
/// Changes a customer's name, e-mail, phone or metadata in one guarded update; another customer's
/// e-mail is refused by the table's unique index, not by a read first. Used by the API and the portal's profile.
/// </summary>
public sealed class UpdateCustomer(CustomerStore store)
{
    public Task<UpdateOutcome> RunAsync(Tenant tenant, string customerId, CustomerChanges changes, CancellationToken cancellationToken) =>
        store.UpdateAsync(tenant, customerId, changes, cancellationToken);
}
