using Clientele.Platform.Hosting;

namespace Clientele.Features.Refunds;

public static class RefundServices
{
    public static IHostApplicationBuilder AddRefunds(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RefundOptions, RefundOptionsValidator>(RefundOptions.Section);
        builder.Services.AddSingleton<RefundFaults>();
        builder.Services.AddSingleton<RefundSettlement>();
        builder.Services.AddSingleton<RefundService>();
        builder.Services.AddSingleton<RefundQueries>();
        builder.Services.AddSingleton<RefundRecovery>();
        if (builder.Configuration.GetValue($"{RefundOptions.Section}:{nameof(RefundOptions.RecoveryWorkerEnabled)}", true))
        {
            builder.Services.AddHostedService<RefundRecoveryWorker>();
        }
        return builder;
    }
}
