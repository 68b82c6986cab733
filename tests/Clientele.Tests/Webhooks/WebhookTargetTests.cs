using System.Net;
using System.Text.Json.Nodes;
using Clientele.Features.Webhooks;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Tests.Webhooks;

/// <summary>No SSRF: endpoints cannot point at this machine, private networks or the cloud metadata service.</summary>
public sealed class WebhookTargetTests(AppFixture app)
{
    [Theory]
    [InlineData("http://localhost:22/")]
    [InlineData("https://localhost/x")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.0.0.1/x")]
    [InlineData("https://172.16.5.4/x")]
    [InlineData("https://192.168.1.1/x")]
    [InlineData("http://127.0.0.1:5432/")]
    [InlineData("https://127.0.0.1:5432/")]
    [InlineData("http://2130706433/")]
    [InlineData("https://2130706433/")]
    [InlineData("https://0x7f000001/")]
    [InlineData("https://100.64.0.1/")]
    [InlineData("https://224.0.0.1/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://[::1]/")]
    [InlineData("https://[::]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://[::ffff:a9fe:a9fe]/")]
    [InlineData("https://[fd00::1]/")]
    [InlineData("https://[fe80::1]/")]
    [InlineData("https://user:pass@hooks.example.com/")]
    public async Task A_private_loopback_or_reserved_target_is_refused_when_saved(string url)
    {
        var business = await app.CreateBusinessAsync();
        foreach (var client in new[] { business.Test, business.Live })
        {
            var error = await client.PostJsonAsync("/webhooks", new { url }, HttpStatusCode.UnprocessableEntity);
            Assert.StartsWith("url:", error.Str("message"), StringComparison.Ordinal);
        }
        var endpoint = await business.Test.PostJsonAsync("/webhooks", new { url = "https://hooks.example.com/ok" });
        await business.Test.PatchJsonAsync($"/webhooks/{endpoint.Str("id")}", new { url }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("https://hooks.example.com/ok", (await business.Test.GetJsonAsync($"/webhooks/{endpoint.Str("id")}")).Str("url"));
    }

    [Fact]
    public async Task Live_mode_takes_https_only()
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Live.PostJsonAsync("/webhooks", new { url = "http://hooks.example.com/x" }, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("url:", error.Str("message"), StringComparison.Ordinal);
        await business.Live.PostJsonAsync("/webhooks", new { url = "https://hooks.example.com/x" });
    }
}

[Collection(nameof(WebhookFixture))]
public sealed class WebhookDeliveryTargetTests(WebhookFixture app)
{
    [Fact]
    public async Task A_target_that_resolves_to_a_private_address_at_delivery_is_not_called()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var business = await app.CreateBusinessAsync();
        // Saved while private targets were allowed; by delivery time they are not (as after a DNS change).
        var url = receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        await business.Test.PostJsonAsync("/webhooks", new { url });
        var options = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        options.AllowPrivateTargets = false;
        try
        {
            var eventId = await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, new { payment_id = "pay_x" });
            await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
            string? error = null;
            for (var i = 0; i < 100 && error is null; i++)
            {
                error = await connection.QuerySingleOrDefaultAsync<string?>("""
                    SELECT a.error FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.event_id = @eventId
                    """, new { eventId });
                await Task.Delay(error is null ? 100 : 0);
            }
            Assert.NotNull(error);
            Assert.Contains("private", error, StringComparison.Ordinal);
            Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromMilliseconds(500)));
        }
        finally
        {
            options.AllowPrivateTargets = true;
        }
    }
}
