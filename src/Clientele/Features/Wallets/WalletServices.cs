using Microsoft.Extensions.Options;

namespace Clientele.Features.Wallets;

public static class WalletServices
{
    public static IHostApplicationBuilder AddWallets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WalletOptions>().BindConfiguration(WalletOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WalletOptions>, WalletOptionsValidator>();
        builder.Services.AddSingleton<WalletLedger>();
        builder.Services.AddSingleton<WalletStore>();
        builder.Services.AddSingleton<ManualEntries>();
        builder.Services.AddSingleton<WalletVerifier>();
        return builder;
    }
}
