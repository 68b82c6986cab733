using Clientele.Features.Payments;
using Clientele.Features.Subscriptions.Billing;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Hosting;

namespace Clientele.Features.Subscriptions;

public static class SubscriptionServices
{
    public static IHostApplicationBuilder AddSubscriptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SubscriptionOptions, SubscriptionOptionsValidator>(SubscriptionOptions.Section);
        builder.Services.AddSingleton<SubscriptionStore>();
        builder.Services.AddSingleton<SubscriptionEvents>();
        builder.Services.AddSingleton<SubscriptionEmails>();
        builder.Services.AddSingleton<SubscriptionLifecycle>();
        builder.Services.AddSingleton<SubscriptionTransitions>();
        builder.Services.AddSingleton<SubscriptionCharges>();
        builder.Services.AddSingleton<CreateSubscription>();
        builder.Services.AddSingleton<UpdateSubscription>();
        builder.Services.AddSingleton<ChangePlan>();
        builder.Services.AddSingleton<DeleteScheduledChange>();
        builder.Services.AddSingleton<ChargeSubscription>();
        builder.Services.AddSingleton<UpdatePaymentMethod>();
        builder.Services.AddSingleton<ISubscriptionPayments, PaidOnHostedPage>();
        builder.Services.AddSingleton<RenewalRunner>();
        if (builder.Configuration.GetValue($"{SubscriptionOptions.Section}:{nameof(SubscriptionOptions.WorkerEnabled)}", true))
        {
            builder.Services.AddHostedService<RenewalWorker>();
        }
        return builder;
    }
}
