using Clientele.Features.Payments.Processor;
using Clientele.Features.Refunds;
using Clientele.Primitives;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Refunds;

/// <summary>
/// Refunds are exactly right under faults: a refund the processor made is never marked failed, one it
/// never answered stays pending, and the recovery pass settles both by the refund id, exactly once.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class RefundRecoveryTests(ClockedAppFixture app)
{
    /// <summary>What a refund left behind: its status, the payment's reserved total, and how many of each side effect exist.</summary>
    private sealed record Books(string Status, long PaymentRefunded, int ProcessorRefunds, int CreditNotes, int SucceededEvents, int FailedEvents, int Emails);

    private RefundRecovery Recovery => app.Services.GetRequiredService<RefundRecovery>();

    private async Task<(TestBusiness Business, string PaymentId)> PaidAsync(long price = 1200)
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync(price));
        var payment = await checkout.PaySuccessfullyAsync(path);
        return (business, payment.Str("payment_id"));
    }

    private static async Task<Books> BooksAsync(string businessId, string refundId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var row = await connection.QuerySingleAsync<(string, long, int, int, int, int, int)>("""
            SELECT r.status,
                (SELECT p.refunded_amount FROM payments p WHERE p.id = r.payment_id) AS payment_refunded,
                (SELECT count(*)::int FROM test_processor_refunds t WHERE t.business_id = r.business_id AND t.idempotency_key = r.id) AS processor_refunds,
                (SELECT count(*)::int FROM credit_notes c WHERE c.refund_id = r.id) AS credit_notes,
                (SELECT count(*)::int FROM webhook_events e WHERE e.business_id = r.business_id AND e.type = 'refund.succeeded' AND e.payload LIKE '%' || r.id || '%') AS succeeded_events,
                (SELECT count(*)::int FROM webhook_events e WHERE e.business_id = r.business_id AND e.type = 'refund.failed' AND e.payload LIKE '%' || r.id || '%') AS failed_events,
                (SELECT count(*)::int FROM email_outbox m WHERE m.business_id = r.business_id AND m.kind = 'refund_processed') AS emails
            FROM refunds r WHERE r.id = @refundId AND r.business_id = @businessId
            """, new { refundId, businessId });
        return new Books(row.Item1, row.Item2, row.Item3, row.Item4, row.Item5, row.Item6, row.Item7);
    }

    [Fact]
    public async Task A_failure_after_the_processor_refunded_leaves_the_refund_pending_and_recovery_records_it_exactly_once()
    {
        var (business, paymentId) = await PaidAsync();
        var faults = app.Services.GetRequiredService<RefundFaults>();

        // The processor refunds; then recording its answer throws half-way through the transaction.
        faults.FailRecording(business.Id);
        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId });
        faults.Clear(business.Id);
        var refundId = refund.Str("refund_id");
        Assert.Equal("pending", refund.Str("status"));
        Assert.Equal(new Books("pending", 1200, 1, 0, 0, 0, 0), await BooksAsync(business.Id, refundId));

        // Within the request's lease nobody touches it.
        Assert.Equal(0, await Recovery.RunOnceAsync(business.Id, CancellationToken.None));
        Assert.Equal("pending", (await BooksAsync(business.Id, refundId)).Status);

        // After it, passes racing each other find the refund by its key and record it once, without refunding again.
        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        var passes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Recovery.RunOnceAsync(business.Id, CancellationToken.None))));
        Assert.Equal(1, passes.Sum());
        Assert.Equal(new Books("succeeded", 1200, 1, 1, 1, 0, 1), await BooksAsync(business.Id, refundId));
        Assert.Equal("succeeded", (await business.Test.GetJsonAsync($"/refunds/{refundId}")).Str("status"));

        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, await Recovery.RunOnceAsync(business.Id, CancellationToken.None));
        Assert.Equal(new Books("succeeded", 1200, 1, 1, 1, 0, 1), await BooksAsync(business.Id, refundId));
    }

    [Theory]
    [InlineData(ProcessorFault.Unavailable, 0)]
    [InlineData(ProcessorFault.LoseAnswer, 1)]
    public async Task A_refund_the_processor_did_not_answer_stays_pending_until_the_recovery_pass_settles_it(ProcessorFault fault, int refundedBeforeRecovery)
    {
        var (business, paymentId) = await PaidAsync(900);
        var faults = app.Services.GetRequiredService<TestProcessorFaults>();
        faults.Set(business.Id, fault);
        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId });
        var refundId = refund.Str("refund_id");
        Assert.Equal("pending", refund.Str("status"));
        Assert.Equal(new Books("pending", 900, refundedBeforeRecovery, 0, 0, 0, 0), await BooksAsync(business.Id, refundId));

        // While the processor is down, the pass leaves it pending (and the amount reserved).
        faults.Set(business.Id, ProcessorFault.Unavailable);
        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, await Recovery.RunOnceAsync(business.Id, CancellationToken.None));
        Assert.Equal(new Books("pending", 900, refundedBeforeRecovery, 0, 0, 0, 0), await BooksAsync(business.Id, refundId));

        faults.Clear(business.Id);
        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await Recovery.RunOnceAsync(business.Id, CancellationToken.None));
        Assert.Equal(new Books("succeeded", 900, 1, 1, 1, 0, 1), await BooksAsync(business.Id, refundId));
    }

    [Fact]
    public async Task A_processor_refusal_fails_the_refund_and_releases_its_reservation()
    {
        var (business, paymentId) = await PaidAsync(700);
        // The charge was already refunded at the processor (outside Clientele), so the processor refuses.
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            var chargeId = await connection.QuerySingleAsync<string>("SELECT processor_charge_id FROM payments WHERE id = @paymentId", new { paymentId });
            var processor = app.Services.GetRequiredService<TestPaymentProcessor>();
            var elsewhere = await processor.RefundAsync(new Tenant(business.Id, Mode.Test), new ProcessorRefundRequest(chargeId, 700, "outside"), CancellationToken.None);
            Assert.IsType<ProcessorRefundResult.Refunded>(elsewhere);
        }

        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = paymentId });
        Assert.Equal("failed", refund.Str("status"));
        Assert.Equal(new Books("failed", 0, 0, 0, 0, 1, 0), await BooksAsync(business.Id, refund.Str("refund_id")));
        var lines = await business.Test.GetJsonAsync($"/payments/{paymentId}/line-items");
        Assert.Equal(700, lines["items"]![0]!["refundable_amount"]!.GetValue<long>());

        // A failed refund is final: the recovery pass leaves it alone.
        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, await Recovery.RunOnceAsync(business.Id, CancellationToken.None));
        Assert.Equal("failed", (await BooksAsync(business.Id, refund.Str("refund_id"))).Status);
    }
}
