using System.CommandLine;
using System.Text.Json;
using Clientele.Features.Businesses;
using Clientele.Features.Demo;
using Clientele.Features.Subscriptions;
using Clientele.Features.Wallets;
using Clientele.Platform.Api;
using Clientele.Platform.Data;
using Clientele.Platform.Security;
using Clientele.Primitives;
using Microsoft.Extensions.Logging.Console;

namespace Clientele.Platform.Cli;

/// <summary>
/// Operator commands in the server binary: <c>Clientele migrate</c>, <c>seed-demo</c>,
/// <c>businesses create</c>, <c>api-keys create|revoke</c>, <c>wallets verify</c>, <c>subscriptions renew</c>, <c>users invite|list|remove</c>. Each takes <c>--json</c> for scripts.
/// </summary>
public static class AdminCli
{
    // Switches the web host itself reads as `--name value`; any `--Section:Key=value` setting is also accepted.
    private static readonly string[] HostSwitches = ["--urls", "--environment", "--contentRoot", "--applicationName", "--webroot"];

    /// <summary>
    /// Whether to serve: no arguments, <c>serve</c> (the rest are host settings), or only host settings
    /// (<c>--urls …</c>, <c>--Section:Key=value</c>, what scripts and the test host pass). Anything else
    /// is a command, and an unknown one exits 1 with the usage rather than starting a server by accident.
    /// </summary>
    public static bool IsServe(string[] args) =>
        args.Length == 0 || OnlyHostSettings(args[0] == "serve" ? args[1..] : args);

    /// <summary>The arguments the web host gets: without the leading <c>serve</c>.</summary>
    public static string[] HostArguments(string[] args) => args.Length > 0 && args[0] == "serve" ? args[1..] : args;

    private static bool OnlyHostSettings(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return false;
            }
            if (arg.Contains('=', StringComparison.Ordinal))
            {
                continue; // `--Section:Key=value`, as the test host passes every setting
            }
            // `--urls http://…`: only the host's own switches take their value as the next argument.
            if (!HostSwitches.Contains(arg, StringComparer.OrdinalIgnoreCase) || ++i >= args.Length)
            {
                return false;
            }
        }
        return true;
    }

    public static async Task<int> RunAsync(string[] args, Action<IHostApplicationBuilder> configure)
    {
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON.", Recursive = true };
        var root = new RootCommand("Clientele admin commands. Run with no command (or `serve [--urls …]`) to serve.") { Options = { json } };

        var migrate = new Command("migrate", "Apply pending database migrations.");
        migrate.SetAction((parse, ct) => WithServices(configure, async services =>
        {
            var applied = await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            await services.GetRequiredService<FirstKey>().EnsureAsync(ct);
            Print(parse.GetValue(json), new { applied }, applied.Count == 0 ? "Database is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
            return 0;
        }));

        var seed = new Command("seed-demo", "Create (or find) the demo business 'Acme Software' with demo customers, and print a fresh test API key.");
        seed.SetAction((parse, ct) => WithServices(configure, async services =>
        {
            var result = await services.GetRequiredService<DemoSeeder>().SeedAsync(ct);
            Print(parse.GetValue(json), result, $"""
                Demo business     {result.BusinessName} ({result.BusinessId})
                Demo customers    {result.CustomersTotal} in test mode ({result.CustomersCreated} new)
                Test API key      {result.TestApiKey}   (shown once; a new one is made on each run)
                Portal (test)     {result.StaticLinkTest}
                Portal (live)     {result.StaticLinkLive}
                Dashboard         {result.DashboardSignInLink}
                                  (sign in as {result.DashboardOwnerEmail}; single use, valid 15 minutes; a new one on each run)
                """);
            return 0;
        }));

        var businessName = new Option<string>("--name") { Description = "The business's name.", Required = true };
        var createBusiness = new Command("create", "Create a business (with test and live modes).") { Options = { businessName } };
        createBusiness.SetAction((parse, ct) => WithServices(configure, async services =>
        {
            var business = await services.GetRequiredService<BusinessStore>().CreateAsync(parse.GetValue(businessName)!, cancellationToken: ct);
            Print(parse.GetValue(json), new { business_id = business.Id, name = business.Name }, $"Created business {business.Id} ({business.Name}).");
            return 0;
        }));
        var businessesCommand = new Command("businesses", "Manage businesses.") { Subcommands = { createBusiness } };

        var businessId = new Option<string>("--business") { Description = "The business id (bus_…).", Required = true };
        var mode = new Option<string>("--mode") { Description = "test or live.", Required = true };
        mode.AcceptOnlyFromAmong("test", "live");
        var keyName = new Option<string>("--name") { Description = "A label to recognise the key by.", DefaultValueFactory = _ => "" };
        var createKey = new Command("create", "Create an API key; the key is printed once and only its hash is kept.") { Options = { businessId, mode, keyName } };
        createKey.SetAction((parse, ct) => WithServices(configure, async services =>
        {
            try
            {
                var key = await services.GetRequiredService<BusinessStore>().CreateApiKeyAsync(
                    parse.GetValue(businessId)!, ModeText.Parse(parse.GetValue(mode)!), parse.GetValue(keyName)!, ct);
                Print(parse.GetValue(json), new { key_id = key.Info.Id, business_id = key.Info.BusinessId, mode = key.Info.Mode, api_key = key.Secret },
                    $"API key {key.Info.Id} ({key.Info.Mode}) for {key.Info.BusinessId}:\n{key.Secret}\nStore it now: it cannot be shown again.");
                return 0;
            }
            catch (KeyNotFoundException ex)
            {
                return Fail(parse.GetValue(json), "BUSINESS_NOT_FOUND", ex.Message);
            }
        }));
        var keyId = new Argument<string>("key-id") { Description = "The key's id (key_…)." };
        var revokeKey = new Command("revoke", "Revoke an API key; requests with it get 401 from now on.") { Arguments = { keyId } };
        revokeKey.SetAction((parse, ct) => WithServices(configure, async services =>
        {
            var revoked = await services.GetRequiredService<BusinessStore>().RevokeApiKeyAsync(parse.GetValue(keyId)!, ct);
            if (revoked is null)
            {
                return Fail(parse.GetValue(json), "API_KEY_NOT_FOUND", $"No API key {parse.GetValue(keyId)}.");
            }
            Print(parse.GetValue(json), new { key_id = revoked.Id, revoked_at = revoked.RevokedAt }, $"Revoked {revoked.Id}.");
            return 0;
        }));
        var keysCommand = new Command("api-keys", "Manage API keys.") { Subcommands = { createKey, revokeKey } };

        root.Subcommands.Add(migrate);
        root.Subcommands.Add(seed);
        root.Subcommands.Add(businessesCommand);
        root.Subcommands.Add(keysCommand);
        root.Subcommands.Add(WalletsCommand(configure, json));
        root.Subcommands.Add(SubscriptionsCommand(configure, json));
        root.Subcommands.Add(UsersCli.Build(configure, json));
        return await root.Parse(args).InvokeAsync();
    }

    private static Command WalletsCommand(Action<IHostApplicationBuilder> configure, Option<bool> json)
    {
        var business = new Option<string>("--business") { Description = "Check only this business (bus_…)." };
        var verify = new Command("verify", "Check that every wallet's balance equals the sum of its ledger entries; exit 1 and list the wallets that do not.") { Options = { business } };
        verify.SetAction((parse, ct) => WithServices(configure, async services =>
        {
            var check = await services.GetRequiredService<WalletVerifier>().VerifyAsync(parse.GetValue(business), ct);
            var details = string.Concat(check.Mismatches.Select(m =>
                $"\n  {m.BusinessId} {m.Mode} {m.CustomerId} {m.Currency}: balance {m.Balance}, ledger sum {m.LedgerSum} ({m.Entries} entries)"));
            Print(parse.GetValue(json), new { ok = check.Ok, wallets_checked = check.WalletsChecked, entries_checked = check.EntriesChecked, mismatches = check.Mismatches },
                check.Ok
                    ? $"OK: {check.WalletsChecked} wallets, {check.EntriesChecked} ledger entries; every balance equals the sum of its entries."
                    : $"MISMATCH: {check.Mismatches.Count} of {check.WalletsChecked} wallets differ from the sum of their entries:{details}");
            return check.Ok ? 0 : 1;
        }));
        return new Command("wallets", "Customer wallets.") { Subcommands = { verify } };
    }

    private static Command SubscriptionsCommand(Action<IHostApplicationBuilder> configure, Option<bool> json)
    {
        var business = new Option<string>("--business") { Description = "Renew only this business's subscriptions (bus_…)." };
        const string about = "Run one renewal pass now, as each server's renewal worker does every few seconds: settle stale charges, queue "
            + "upcoming-renewal notices, and renew everything due until nothing is left. Safe beside running servers.";
        var renew = new Command("renew", about) { Options = { business } };
        renew.SetAction((parse, ct) => WithServices(configure, async services =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var pass = await services.GetRequiredService<RenewalRunner>().RunOnceAsync(parse.GetValue(business), ct);
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            Print(parse.GetValue(json),
                new { renewed = pass.Renewed, failed = pass.Failed, pending = pass.Pending, ended = pass.Ended, recovered = pass.Recovered, notices = pass.Notices, seconds = Math.Round(seconds, 3) },
                $"Renewal pass in {seconds:0.0}s: {pass.Renewed} renewed, {pass.Failed} failed (on hold), {pass.Pending} pending (processor did not answer), "
                + $"{pass.Ended} ended, {pass.Recovered} stale charges recovered, {pass.Notices} renewal notices queued.");
            return 0;
        }));
        return new Command("subscriptions", "Subscriptions.") { Subcommands = { renew } };
    }

    internal static async Task<int> WithServices(Action<IHostApplicationBuilder> configure, Func<IServiceProvider, Task<int>> action)
    {
        // appsettings.json sits beside the binary, so commands work from any directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Commands print their own results; only problems should reach the console besides them, and on
        // stderr, so --json output on stdout stays parseable (e.g. the Data Protection key ring's first-use warning).
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        configure(builder);
        await using var app = builder.Build();
        // A command may protect (an e-mail body) as a server does: the same first key for all (a no-op before `migrate`).
        await app.Services.GetRequiredService<FirstKey>().EnsureAsync(CancellationToken.None);
        return await action(app.Services);
    }

    internal static void Print(bool asJson, object value, string text) =>
        Console.WriteLine(asJson ? JsonSerializer.Serialize(value, ApiJson.Options) : text);

    internal static int Fail(bool asJson, string code, string message)
    {
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(new ApiError(code, message), ApiJson.Options));
        }
        else
        {
            Console.Error.WriteLine(message);
        }
        return 1;
    }
}
