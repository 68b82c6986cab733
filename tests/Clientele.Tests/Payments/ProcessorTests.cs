using System.Net;
using Clientele.Features.Payments.Processor;
using Clientele.Primitives;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Payments;

public sealed class ProcessorTests(AppFixture app)
{
    private TestPaymentProcessor Processor => app.Services.GetRequiredService<TestPaymentProcessor>();

    private static CardDetails Card(string number) => new(number, 12, TestCardDates.ExpiryYear, "123", "T. Tester");

    private async Task<(Tenant Tenant, CardToken Card)> TokenizeAsync(string number)
    {
        var business = await app.CreateBusinessAsync();
        var tenant = new Tenant(business.Id, Mode.Test);
        var result = await Processor.TokenizeAsync(tenant, Card(number), TestContext.Current.CancellationToken);
        return (tenant, Assert.IsType<TokenizeResult.Tokenized>(result).Card);
    }

    [Fact]
    public async Task Test_cards_decide_the_outcome_and_a_key_is_charged_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, visa) = await TokenizeAsync("4242424242424242");
        Assert.Equal("4242", visa.Last4);
        Assert.Equal(32, visa.Fingerprint.Length);

        var first = await Processor.ChargeAsync(tenant, new ChargeRequest(visa.Token, Money.Of(500, "USD"), "k1"), ct);
        var replay = await Processor.ChargeAsync(tenant, new ChargeRequest(visa.Token, Money.Of(500, "USD"), "k1"), ct);
        Assert.True(first.Succeeded);
        Assert.Equal(first, replay);
        Assert.Equal(first, await Processor.FindChargeAsync(tenant, "k1", ct));
        Assert.Null(await Processor.FindChargeAsync(tenant, "never", ct));

        var declined = await Processor.TokenizeAsync(tenant, Card("4000000000000002"), ct);
        var declinedCharge = await Processor.ChargeAsync(tenant, new ChargeRequest(((TokenizeResult.Tokenized)declined).Card.Token, Money.Of(500, "USD"), "k2"), ct);
        Assert.Equal("card_declined", declinedCharge.FailureCode);

        Assert.Equal(new TokenizeResult.Rejected("invalid_number"), await Processor.TokenizeAsync(tenant, Card("4242424242424241"), ct));
        Assert.Equal(new TokenizeResult.Rejected("test_card_required"), await Processor.TokenizeAsync(tenant, Card("4111111111111111"), ct));
        Assert.Equal(new TokenizeResult.Rejected("expired_card"), await Processor.TokenizeAsync(tenant, new CardDetails("4242424242424242", 1, 2020, "123", null), ct));
        Assert.Equal("CardDetails(redacted)", Card("4242424242424242").ToString());
    }

    [Fact]
    public async Task The_0341_card_pays_once_then_declines_every_later_charge()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, card) = await TokenizeAsync("4000000000000341");
        var charges = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Processor.ChargeAsync(tenant, new ChargeRequest(card.Token, Money.Of(100, "USD"), $"renewal-{i}"), ct)));
        Assert.Single(charges, c => c.Succeeded);
        Assert.All(charges.Where(c => !c.Succeeded), c => Assert.Equal("card_declined", c.FailureCode));
    }

    [Fact]
    public async Task One_key_sent_at_once_from_many_callers_is_charged_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, card) = await TokenizeAsync("4242424242424242");
        var charges = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Processor.ChargeAsync(tenant, new ChargeRequest(card.Token, Money.Of(700, "USD"), "same-key"), ct)));
        Assert.All(charges, c => Assert.Equal(charges[0], c));
        Assert.True(charges[0].Succeeded);
        Assert.Equal(charges[0], await Processor.FindChargeAsync(tenant, "same-key", ct));

        await Assert.ThrowsAsync<ArgumentException>(() => Processor.ChargeAsync(tenant, new ChargeRequest("tok_unknown", Money.Of(700, "USD"), "other-key"), ct));
        Assert.Null(await Processor.FindChargeAsync(tenant, "other-key", ct));
    }

    [Fact]
    public async Task Refunds_are_idempotent_and_never_exceed_the_charge()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, card) = await TokenizeAsync("4242424242424242");
        var charge = await Processor.ChargeAsync(tenant, new ChargeRequest(card.Token, Money.Of(1000, "USD"), "c"), ct);
        var refund = Assert.IsType<ProcessorRefundResult.Refunded>(await Processor.RefundAsync(tenant, new ProcessorRefundRequest(charge.ChargeId, 600, "r1"), ct));
        Assert.Equal(refund, await Processor.RefundAsync(tenant, new ProcessorRefundRequest(charge.ChargeId, 600, "r1"), ct));
        Assert.Equal(refund, await Processor.FindRefundAsync(tenant, "r1", ct));
        Assert.Equal(new ProcessorRefundResult.Refused("amount_exceeds_charge"), await Processor.RefundAsync(tenant, new ProcessorRefundRequest(charge.ChargeId, 600, "r2"), ct));
        // A refused refund leaves nothing behind: its key was never used.
        Assert.Null(await Processor.FindRefundAsync(tenant, "r2", ct));
    }

    [Fact]
    public async Task A_lost_processor_answer_is_settled_by_asking_the_processor_on_the_next_visit()
    {
        var business = await app.CreateBusinessAsync();
        var faults = app.Services.GetRequiredService<TestProcessorFaults>();
        var checkout = new CheckoutDriver(app, business.Test);
        var (sessionId, path) = await checkout.SessionAsync(await checkout.ProductAsync());

        faults.Set(business.Id, ProcessorFault.LoseAnswer);
        try
        {
            using var lost = await checkout.PayAsync(path, CheckoutDriver.Visa);
            Assert.Contains("could not reach the payment processor", await lost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            faults.Clear(business.Id);
        }
        Assert.Equal("processing", (await business.Test.GetJsonAsync($"/checkouts/{sessionId}")).Str("payment_status"));

        using var visit = await checkout.Browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, visit.StatusCode);
        var status = await business.Test.GetJsonAsync($"/checkouts/{sessionId}");
        Assert.Equal("succeeded", status.Str("payment_status"));
        Assert.NotNull((await business.Test.GetJsonAsync($"/payments/{status.Str("payment_id")}"))["invoice_id"]);
    }

    [Fact]
    public async Task An_unavailable_processor_charges_nothing_and_keeps_the_session_for_later()
    {
        var business = await app.CreateBusinessAsync();
        var faults = app.Services.GetRequiredService<TestProcessorFaults>();
        var checkout = new CheckoutDriver(app, business.Test);
        var (sessionId, path) = await checkout.SessionAsync(await checkout.ProductAsync());
        faults.Set(business.Id, ProcessorFault.Unavailable, TimeSpan.FromMilliseconds(200));
        try
        {
            using var response = await checkout.PayAsync(path, CheckoutDriver.Visa);
            Assert.Contains("could not reach the payment processor", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            faults.Clear(business.Id);
        }
        Assert.Null((await business.Test.GetJsonAsync($"/checkouts/{sessionId}"))["payment_id"]);
        await checkout.PaySuccessfullyAsync(path);
    }
}
