using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Wallets;

/// <summary>Each applied entry writes its webhook event in the same statement; a refused one writes none.</summary>
public sealed class WalletEventTests(AppFixture app)
{
    [Fact]
    public async Task Each_entrys_event_carries_the_entry_exactly_as_the_api_shows_it_and_a_refused_debit_has_none()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.PostEntryAsync(id, new { amount = 1000, currency = "USD", entry_type = "credit", reason = "gift" });
        // A reason that looks like the statement's balance markers stays as written.
        await business.Test.PostEntryAsync(id, new { amount = 400, currency = "USD", entry_type = "debit", reason = "\"before-x\" after-y \u00e9", idempotency_key = $"k-{Guid.NewGuid():N}" });
        await business.Test.PostEntryAsync(id, new { amount = 700, currency = "USD", entry_type = "debit" }, System.Net.HttpStatusCode.BadRequest);

        var entries = (await business.Test.EntriesAsync(id)).Reverse().ToList();
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var payloads = (await connection.QueryAsync<string>(
            "SELECT payload FROM webhook_events WHERE business_id = @businessId AND mode = 'test' AND type LIKE 'credit.%' ORDER BY created_at, id",
            new { businessId = business.Id })).Select(p => JsonNode.Parse(p)!).ToList();

        Assert.Equal(2, entries.Count);
        Assert.Equal(2, payloads.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal("credit.manual_adjustment", payloads[i].Str("type"));
            var data = payloads[i]["data"]!.AsObject();
            Assert.Equal("CreditLedgerEntry", data.Str("payload_type"));
            data.Remove("payload_type");
            Assert.True(JsonNode.DeepEquals(entries[i], data), $"event {i}: {data.ToJsonString()} vs entry {entries[i]!.ToJsonString()}");
        }
        Assert.Equal(1000, payloads[1]["data"].Long("before_balance"));
        Assert.Equal(600, payloads[1]["data"].Long("after_balance"));
        Assert.Equal("\"before-x\" after-y \u00e9", payloads[1]["data"]!.Str("reason"));
    }
}
