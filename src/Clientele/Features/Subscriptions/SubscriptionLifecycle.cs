using Clientele.Features.LicenseKeys;
using Clientele.Primitives;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>
/// What license keys do when a subscription's life changes, inside the transaction that changes it.
/// Every successful payment of the subscription issues the keys its lines call for, once per
/// (subscription, product, unit): the first payment issues them, a plan change to another product
/// issues that product's keys with its charge (or, when nothing is charged, with the next renewal), a
/// larger quantity adds keys. Keys are suspended while the subscription is on hold and when it ends,
/// and resumed when it is reactivated; a key the merchant disabled stays disabled.
/// </summary>
public sealed class SubscriptionLifecycle(LicenseKeyIssuer licenseKeys)
{
    public Task IssueKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, string subscriptionId, CancellationToken cancellationToken) =>
        licenseKeys.IssueForPaymentAsync(connection, transaction, tenant, paymentId, subscriptionId, cancellationToken);

    public Task IssueKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<(string PaymentId, string? SubscriptionId)> payments, CancellationToken cancellationToken) =>
        licenseKeys.IssueForPaymentsAsync(connection, transaction, tenant, payments, cancellationToken);

    public Task SuspendKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, CancellationToken cancellationToken) =>
        licenseKeys.DisableForSubscriptionAsync(connection, transaction, tenant, subscriptionId, cancellationToken);

    public Task ResumeKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, CancellationToken cancellationToken) =>
        licenseKeys.EnableForSubscriptionAsync(connection, transaction, tenant, subscriptionId, cancellationToken);
}
