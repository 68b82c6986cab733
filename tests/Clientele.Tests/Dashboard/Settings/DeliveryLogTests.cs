using System.Net;
using System.Threading.Channels;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>The delivery log with the webhook worker running: each attempt's status and the receiver's answer, and a resend that is really sent again.</summary>
[Collection(nameof(WebhookFixture))]
public sealed class DeliveryLogTests(WebhookFixture app)
{
    [Fact]
    public async Task The_log_shows_the_receivers_status_and_answer_and_a_resend_delivers_the_same_event_again()
    {
        var received = Channel.CreateUnbounded<string>();
        var answers = new Queue<(int Status, string Body)>([(500, "database down\u0007 <b>oops</b>"), (200, "ok")]);
        await using var receiver = await StartReceiverAsync(received, answers);
        var business = await app.CreateBusinessAsync("Delivery Log Co");
        var endpoint = (await business.Test.PostJsonAsync("/webhooks", new { url = receiver.Url })).Str("id");
        var eventId = await app.EmitAsync(business.Id, "payment.succeeded", new { payment_id = "pay_log" });
        using (var first = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            Assert.Equal(eventId, await received.Reader.ReadAsync(first.Token));
        }
        var original = await SettingsTestData.ScalarAsync<string>("SELECT id FROM webhook_deliveries WHERE event_id = @eventId", new { eventId });
        await WaitForAsync(() => SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM webhook_delivery_attempts WHERE delivery_id = @original", new { original }));

        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        var page = await client.GetAsync($"/dashboard/settings/webhooks/{endpoint}");
        Assert.Contains("Attempt 1: HTTP 500", page.Text, StringComparison.Ordinal);
        Assert.Contains("<code>database down &lt;b&gt;oops&lt;/b&gt;</code>", page.Html, StringComparison.Ordinal);

        var resent = await client.PostFormAsync($"/dashboard/settings/webhooks/{endpoint}?handler=Resend",
            new Dictionary<string, string> { ["deliveryId"] = original, ["resendKey"] = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.Redirect, resent.Status);
        using (var second = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            Assert.Equal(eventId, await received.Reader.ReadAsync(second.Token));
        }
        await WaitForAsync(() => SettingsTestData.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_deliveries WHERE resend_of = @original AND status = 'succeeded'", new { original }));
    }

    private static async Task WaitForAsync(Func<Task<long>> count)
    {
        for (var i = 0; i < 150 && await count() == 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.True(await count() > 0, "timed out");
    }

    /// <summary>A receiver that answers each delivery with the next status and body, and passes on each delivery's webhook-id.</summary>
    private static async Task<Receiver> StartReceiverAsync(Channel<string> received, Queue<(int Status, string Body)> answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        web.MapPost("/hook", async (HttpRequest request) =>
        {
            var (status, body) = answers.TryDequeue(out var next) ? next : (200, "");
            await received.Writer.WriteAsync(request.Headers["webhook-id"].ToString());
            return Results.Text(body, "text/plain", statusCode: status);
        });
        await web.StartAsync();
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Receiver(web, address + "/hook");
    }

    private sealed record Receiver(WebApplication Web, string Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Web.DisposeAsync();
    }
}
