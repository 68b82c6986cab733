using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Wallets;

/// <summary>Short, readable wallet calls for the tests.</summary>
public static class WalletHttp
{
    public static async Task<string> NewCustomerAsync(this HttpClient client, string name = "Wallet Owner") =>
        (await client.PostJsonAsync("/customers", new { name, email = $"w-{Guid.NewGuid():N}@example.com" })).Str("customer_id");

    public static Task<JsonNode> PostEntryAsync(this HttpClient client, string customerId, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.PostJsonAsync($"/customers/{customerId}/wallets/ledger-entries", body, expected);

    public static Task<JsonNode> CreditAsync(this HttpClient client, string customerId, long amount, string currency = "USD") =>
        client.PostEntryAsync(customerId, new { amount, currency, entry_type = "credit" });

    public static Task<JsonNode> WalletsAsync(this HttpClient client, string customerId, HttpStatusCode expected = HttpStatusCode.OK) =>
        client.GetJsonAsync($"/customers/{customerId}/wallets", expected);

    public static async Task<JsonArray> EntriesAsync(this HttpClient client, string customerId, string query = "page_size=100") =>
        (await client.GetJsonAsync($"/customers/{customerId}/wallets/ledger-entries?{query}"))["items"]!.AsArray();

    public static async Task<long> BalanceAsync(this HttpClient client, string customerId, string currency = "USD") =>
        (await client.WalletsAsync(customerId))["items"]!.AsArray().Single(w => w!.Str("currency") == currency)!["balance"]!.GetValue<long>();

    public static long Long(this JsonNode? node, string property) => node![property]!.GetValue<long>();

    /// <summary>Rows the customer has in the wallet tables, read straight from the database.</summary>
    public static async Task<(long Wallets, long Entries, long Keys)> RowCountsAsync(string customerId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM wallets WHERE customer_id = @customerId),
                   (SELECT count(*) FROM wallet_ledger_entries WHERE customer_id = @customerId),
                   (SELECT count(*) FROM wallet_idempotency_keys WHERE customer_id = @customerId)
            """, new { customerId });
    }
}
