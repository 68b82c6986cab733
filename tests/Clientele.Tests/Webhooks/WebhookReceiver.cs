using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Webhooks;

/// <param name="ReceivedAt">When the receiver got it (<see cref="System.Diagnostics.Stopwatch"/> ticks): a test that reads
/// later, or slowly, still sees the arrival times.</param>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, string Body, long ReceivedAt)
{
    public string Id => Headers["webhook-id"];
}

/// <summary>A real HTTP receiver on a loopback port that records what it is sent.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<ReceivedWebhook> received = Channel.CreateUnbounded<ReceivedWebhook>();

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var receivedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            await received.Writer.WriteAsync(new ReceivedWebhook(headers, body, receivedAt));
            return Results.StatusCode(Responses.TryDequeue(out var status) ? status : 200);
        });
    }

    /// <summary>Status codes to answer with, in order; 200 once they run out.</summary>
    public ConcurrentQueue<int> Responses { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/hook";
        return receiver;
    }

    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await received.Reader.ReadAsync(limit.Token);
    }

    /// <summary>True if nothing (more) arrives within the given time.</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan time)
    {
        using var limit = new CancellationTokenSource(time);
        try
        {
            await received.Reader.WaitToReadAsync(limit.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
