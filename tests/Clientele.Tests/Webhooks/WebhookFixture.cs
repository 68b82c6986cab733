using System.Text.Json.Nodes;
using Clientele.Features.Webhooks;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Webhooks;

/// <summary>
/// A server with the webhook worker running and a clock the tests move (retries, claims).
/// Tests using it share one collection, so they run one at a time.
/// </summary>
public sealed class WebhookFixture : ClockedAppFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:DispatcherEnabled", "true");
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.100");
        builder.UseSetting("Webhooks:ClaimDuration", "00:00:30");
        // The tests' receiver listens on loopback: allowed explicitly, as for local development.
        builder.UseSetting("Webhooks:AllowPrivateTargets", "true");
    }

    /// <summary>Writes an event the way a feature does: in a transaction, committed or rolled back.</summary>
    public async Task<string> EmitAsync(string businessId, string type, object data, bool commit = true, Func<Npgsql.NpgsqlConnection, Npgsql.NpgsqlTransaction, Task<int>>? beforeCommit = null)
    {
        var dataSource = Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var eventId = await Services.GetRequiredService<WebhookOutbox>().EnqueueAsync(
            connection, transaction, new Tenant(businessId, Mode.Test), type, "Payment", data, CancellationToken.None);
        if (beforeCommit is not null)
        {
            await beforeCommit(connection, transaction);
        }
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
        return eventId;
    }

    /// <summary>Checks a delivery with the official SDK's webhooks.unwrap (standardwebhooks).</summary>
    public static async Task<ProcessResult> VerifyWithSdkAsync(ReceivedWebhook webhook, string secret)
    {
        var input = new JsonObject
        {
            ["secret"] = secret,
            ["headers"] = new JsonObject(webhook.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value)))),
            ["body"] = webhook.Body,
        };
        var path = Path.Combine(Path.GetTempPath(), $"webhook-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, input.ToJsonString());
        try
        {
            return await ProcessRunner.RunAsync("bash", ["-c", $"node verify-webhook.mjs < '{path}'"], workingDirectory: Path.Combine(TestSettings.RepositoryRoot, "tests", "sdk"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

[CollectionDefinition(nameof(WebhookFixture))]
public sealed class WebhookCollection : ICollectionFixture<WebhookFixture>;
