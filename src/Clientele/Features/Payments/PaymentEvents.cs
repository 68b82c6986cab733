using Clientele.Features.Refunds;
using Clientele.Features.Webhooks;
using Clientele.Platform;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Payments;

/// <summary>
/// Writes <c>payment.*</c> and <c>refund.*</c> webhook events inside the transaction that changes
/// the payment or refund, with the resource as the API would return it at that moment.
/// </summary>
public sealed class PaymentEvents(WebhookOutbox outbox, IOptions<PublicUrlOptions> urls)
{
    public async Task PaymentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, string type, CancellationToken cancellationToken)
    {
        var found = await PaymentQueries.FindAsync(connection, transaction, tenant, paymentId, cancellationToken)
            ?? throw new InvalidOperationException($"Payment {paymentId} vanished inside its own transaction.");
        var payment = PaymentResponse.From(found.Payment, found.Refunds, found.Cart, PaymentsApi.InvoiceBase(urls.Value));
        await outbox.EnqueueAsync(connection, transaction, tenant, type, "Payment", payment, cancellationToken);
    }

    /// <summary>
    /// One event of <paramref name="type"/> per payment, in their order: four statements for the lot. <paramref name="unwritten"/>:
    /// invoice ids (by payment) this transaction writes at its end, shown as the payment's invoice already.
    /// </summary>
    public async Task PaymentsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<string> paymentIds, string type, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? unwritten = null)
    {
        var found = await PaymentQueries.FindManyAsync(connection, transaction, tenant, paymentIds, cancellationToken);
        if (found.Count != paymentIds.Count)
        {
            throw new InvalidOperationException("A payment vanished inside its own transaction.");
        }
        var invoiceBase = PaymentsApi.InvoiceBase(urls.Value);
        await outbox.EnqueueManyAsync(connection, transaction, tenant, type, "Payment", [.. found.Select(f =>
        {
            var payment = PaymentResponse.From(f.Payment, f.Refunds, f.Cart, invoiceBase);
            return (object)(unwritten?.GetValueOrDefault(f.Payment.Id) is { } invoiceId
                ? payment with { InvoiceId = invoiceId, InvoiceUrl = PaymentRow.InvoiceUrlOf(invoiceBase, f.Payment.Id) }
                : payment);
        })], cancellationToken);
    }

    public async Task RefundAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string refundId, string type, CancellationToken cancellationToken)
    {
        var refund = await connection.QuerySingleAsync<RefundRow>(new CommandDefinition(
            RefundRow.Select + " WHERE r.id = @refundId AND r.business_id = @businessId AND r.mode = @mode",
            new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(connection, transaction, tenant, type, "Refund", refund.ToResponse(), cancellationToken);
    }
}
