using Clientele.Platform.Hosting;
using Clientele.Platform.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Webhooks;

public static class WebhookServices
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        builder.Services.AddDataProtection().SetApplicationName("Clientele");
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => WebhookTargets.CreateHandler(
                () => services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateTargets == true));
        // Private targets (a receiver on this machine) only in Development unless configured explicitly.
        builder.Services.PostConfigure<WebhookOptions>(options => options.AllowPrivateTargets ??= builder.Environment.IsDevelopment());
        builder.Services.AddSingleton<WebhookEndpointStore>();
        builder.Services.AddSingleton<SaveWebhookEndpoint>();
        builder.Services.AddSingleton<WebhookOutbox>();
        builder.Services.TryAddSingleton<RateLimiter>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }
}
