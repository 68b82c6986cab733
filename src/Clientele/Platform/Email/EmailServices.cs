using Clientele.Platform.Hosting;

namespace Clientele.Platform.Email;

public static class EmailServices
{
    public static IHostApplicationBuilder AddClienteleEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions, EmailOptionsValidator>(EmailOptions.Section);
        builder.Services.AddSingleton<EmailBodyProtector>();
        builder.Services.AddSingleton<EmailDispatchSignal>();
        builder.Services.AddSingleton<EmailOutbox>();
        builder.Services.AddSingleton<DevMailboxTransport>();
        builder.Services.AddSingleton<EmailTransportSelector>();
        builder.Services.AddSingleton<DevMailbox>();
        builder.Services.AddSingleton<EmailDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailDispatcher>());
        return builder;
    }
}
