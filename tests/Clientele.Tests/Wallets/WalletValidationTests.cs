using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Wallets;

public sealed class WalletValidationTests(AppFixture app)
{
    public static TheoryData<string, string> BadEntries => new()
    {
        { """{"currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": null, "currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": 0, "currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": -5, "currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": 10.5, "currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": "100", "currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": 9223372036854775808, "currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": 1e30, "currency": "USD", "entry_type": "credit"}""", "amount" },
        { """{"amount": 100, "entry_type": "credit"}""", "currency" },
        { """{"amount": 100, "currency": "usd", "entry_type": "credit"}""", "currency" },
        { """{"amount": 100, "currency": "XXX", "entry_type": "credit"}""", "currency" },
        { """{"amount": 100, "currency": "US Dollar", "entry_type": "credit"}""", "currency" },
        { """{"amount": 100, "currency": 840, "entry_type": "credit"}""", "currency" },
        { """{"amount": 100, "currency": "USD"}""", "entry_type" },
        { """{"amount": 100, "currency": "USD", "entry_type": "refund"}""", "entry_type" },
        { """{"amount": 100, "currency": "USD", "entry_type": "CREDIT"}""", "entry_type" },
        { """{"amount": 100, "currency": "USD", "entry_type": true}""", "entry_type" },
        { $$"""{"amount": 100, "currency": "USD", "entry_type": "credit", "reason": "{{new string('r', 501)}}"}""", "reason" },
        { """{"amount": 100, "currency": "USD", "entry_type": "credit", "reason": 7}""", "reason" },
        { $$"""{"amount": 100, "currency": "USD", "entry_type": "credit", "idempotency_key": "{{new string('k', 256)}}"}""", "idempotency_key" },
        { """{"amount": 100, "currency": "USD", "entry_type": "credit", "idempotency_key": "   "}""", "idempotency_key" },
        { """{"amount": 100, "currency": "USD", "entry_type": "credit", "idempotency_key": 12}""", "idempotency_key" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task Bad_entry_input_is_a_422_naming_the_field_and_writes_nothing(string body, string field)
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();

        var error = await business.Test.PostEntryAsync(id, body, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("INVALID_REQUEST", error.Str("code"));
        Assert.StartsWith(field + ":", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await WalletHttp.RowCountsAsync(id));
    }

    [Fact]
    public async Task Every_bad_field_is_named_at_once()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();

        var error = await business.Test.PostEntryAsync(id, """{"amount": 0, "currency": "usd", "entry_type": "both"}""", HttpStatusCode.UnprocessableEntity);

        var message = error.Str("message");
        Assert.Contains("amount:", message, StringComparison.Ordinal);
        Assert.Contains("currency:", message, StringComparison.Ordinal);
        Assert.Contains("entry_type:", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_are_inclusive_a_500_character_reason_and_a_255_character_key_are_accepted()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();

        await business.Test.PostEntryAsync(id, new { amount = 1, currency = "USD", entry_type = "credit", reason = new string('r', 500), idempotency_key = new string('k', 255) });

        Assert.Equal(500, (await business.Test.EntriesAsync(id))[0]!.Str("reason").Length);
    }

    [Fact]
    public async Task A_credit_that_would_overflow_the_balance_is_a_422_on_amount_and_changes_nothing()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.CreditAsync(id, long.MaxValue - 10);

        var error = await business.Test.PostEntryAsync(id, new { amount = 11, currency = "USD", entry_type = "credit" }, HttpStatusCode.UnprocessableEntity);
        var fits = await business.Test.CreditAsync(id, 10);

        Assert.StartsWith("amount:", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(long.MaxValue, fits.Long("balance"));
        Assert.Equal(2, (await business.Test.EntriesAsync(id)).Count);
    }

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        var error = await business.Test.PostEntryAsync(id, """{"amount": 1,""", HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_JSON", error.Str("code"));
    }

    [Theory]
    [InlineData("currency=usd", "currency")]
    [InlineData("currency=DOLLARS", "currency")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page_number=-1", "page_number")]
    public async Task Bad_ledger_list_parameters_are_a_422_naming_the_parameter(string query, string field)
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        var error = await business.Test.GetJsonAsync($"/customers/{id}/wallets/ledger-entries?{query}", HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith(field + ":", error.Str("message"), StringComparison.Ordinal);
    }
}
