using System.Text.Json.Nodes;
using Clientele.Features.Wallets;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Wallets;

public sealed class WalletLedgerIntegrityTests(AppFixture app)
{
    [Theory]
    [InlineData("UPDATE wallet_ledger_entries SET amount = amount + 1 WHERE customer_id = @customerId")]
    [InlineData("DELETE FROM wallet_ledger_entries WHERE customer_id = @customerId")]
    [InlineData("TRUNCATE wallet_ledger_entries CASCADE")]
    public async Task Ledger_entries_cannot_be_changed_or_removed_with_sql(string sql)
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.CreditAsync(id, 10);
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        // First line: the application's role holds no UPDATE, DELETE or TRUNCATE privilege on the table.
        // (Each attempt runs in a transaction that is rolled back, so a failing test cannot wipe shared rows.)
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            var denied = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { customerId = id }, transaction));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        // Second line: even with the privileges granted back, the trigger refuses.
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            await connection.ExecuteAsync("GRANT UPDATE, DELETE, TRUNCATE ON wallet_ledger_entries TO CURRENT_USER", transaction: transaction);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { customerId = id }, transaction));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(10, (await business.Test.EntriesAsync(id)).Single()!.Long("amount"));
    }

    [Fact]
    public async Task Other_features_apply_entries_inside_their_own_transaction_with_their_cause()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.CreditAsync(id, 1000);
        var ledger = app.Services.GetRequiredService<WalletLedger>();
        var tenant = new Tenant(business.Id, Mode.Test);
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(TestContext.Current.CancellationToken);

        // A caller that rolls back leaves no trace.
        await using (var abandoned = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            var outcome = await ledger.ApplyAsync(connection, abandoned, tenant, new LedgerChange(id, new Money(400, Currency.USD), IsCredit: false, LedgerEventType.Payment, "Renewal", "pay_rolledback"), cancellationToken: TestContext.Current.CancellationToken);
            Assert.IsType<LedgerOutcome.Applied>(outcome);
            await abandoned.RollbackAsync(TestContext.Current.CancellationToken);
        }

        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            var refused = await ledger.ApplyAsync(connection, transaction, tenant, new LedgerChange(id, new Money(5000, Currency.USD), IsCredit: false, LedgerEventType.Payment), cancellationToken: TestContext.Current.CancellationToken);
            Assert.IsType<LedgerOutcome.InsufficientBalance>(refused);
            // A refusal raises nothing, so the caller's transaction goes on.
            var paid = await ledger.ApplyAsync(connection, transaction, tenant, new LedgerChange(id, new Money(400, Currency.USD), IsCredit: false, LedgerEventType.Payment, "Renewal", "pay_0001"), cancellationToken: TestContext.Current.CancellationToken);
            var refunded = await ledger.ApplyAsync(connection, transaction, tenant, new LedgerChange(id, new Money(150, Currency.USD), IsCredit: true, LedgerEventType.Refund, null, "ref_0001"), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(600, Assert.IsType<LedgerOutcome.Applied>(paid).Wallet.Balance);
            Assert.Equal(750, Assert.IsType<LedgerOutcome.Applied>(refunded).Entry.AfterBalance);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        var entries = await business.Test.EntriesAsync(id);
        Assert.Equal([("refund", "ref_0001", 750L), ("payment", "pay_0001", 600L), ("merchant_adjustment", null, 1000L)],
            entries.Select(e => (e!.Str("event_type"), e!["reference_object_id"]?.GetValue<string>(), e.Long("after_balance"))));
        Assert.Equal(750, await business.Test.BalanceAsync(id));
    }

    [Fact]
    public async Task The_ledger_reports_an_unknown_customer_instead_of_writing()
    {
        var business = await app.CreateBusinessAsync();
        var ledger = app.Services.GetRequiredService<WalletLedger>();
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);

        var credit = await ledger.ApplyAsync(connection, transaction, new Tenant(business.Id, Mode.Test), new LedgerChange("cus_nobody", new Money(1, Currency.USD), true, LedgerEventType.Payment), cancellationToken: TestContext.Current.CancellationToken);
        var debit = await ledger.ApplyAsync(connection, transaction, new Tenant(business.Id, Mode.Test), new LedgerChange("cus_nobody", new Money(1, Currency.USD), false, LedgerEventType.Payment), cancellationToken: TestContext.Current.CancellationToken);

        Assert.IsType<LedgerOutcome.CustomerNotFound>(credit);
        Assert.IsType<LedgerOutcome.CustomerNotFound>(debit);
    }

    [Fact]
    public async Task Every_balance_equals_the_sum_of_its_entries_and_the_cli_says_so()
    {
        var business = await app.CreateBusinessAsync();
        foreach (var client in new[] { business.Test, business.Live })
        {
            var id = await client.NewCustomerAsync();
            await client.CreditAsync(id, 900);
            await client.CreditAsync(id, 40, "JPY");
            await client.PostEntryAsync(id, new { amount = 123, currency = "USD", entry_type = "debit" });
        }

        var check = await app.Services.GetRequiredService<WalletVerifier>().VerifyAsync(business.Id, TestContext.Current.CancellationToken);
        var cli = await ProcessRunner.ClienteleAsync("wallets", "verify", "--business", business.Id, "--json");

        Assert.True(check.Ok);
        Assert.Equal((4, 6), (check.WalletsChecked, check.EntriesChecked));
        Assert.True(cli.ExitCode == 0, cli.Output + cli.Error);
        var report = JsonNode.Parse(cli.Output)!;
        Assert.True(report["ok"]!.GetValue<bool>());
        Assert.Equal(4, report.Long("wallets_checked"));
        Assert.Equal(6, report.Long("entries_checked"));
        Assert.Empty(report["mismatches"]!.AsArray());
    }

    [Fact]
    public async Task The_verify_command_exits_1_and_names_a_wallet_changed_behind_the_ledgers_back()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.CreditAsync(id, 500);
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.ExecuteAsync("UPDATE wallets SET balance = balance + 1 WHERE customer_id = @id", new { id });
        }

        var json = await ProcessRunner.ClienteleAsync("wallets", "verify", "--business", business.Id, "--json");
        var text = await ProcessRunner.ClienteleAsync("wallets", "verify", "--business", business.Id);

        Assert.Equal(1, json.ExitCode);
        var mismatch = Assert.Single(JsonNode.Parse(json.Output)!["mismatches"]!.AsArray())!;
        Assert.Equal((id, "USD", 501L, 500L), (mismatch.Str("customer_id"), mismatch.Str("currency"), mismatch.Long("balance"), mismatch.Long("ledger_sum")));
        Assert.Equal(1, text.ExitCode);
        Assert.Contains($"{id} USD: balance 501, ledger sum 500", text.Output, StringComparison.Ordinal);
    }
}
