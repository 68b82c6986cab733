using Clientele.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Wallets;

public static class WalletServices
{
    public static IHostApplicationBuilder AddWallets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WalletOptions, WalletOptionsValidator>(WalletOptions.Section);
        builder.Services.AddSingleton<WalletLedger>();
        builder.Services.AddSingleton<WalletStore>();
        builder.Services.AddSingleton<ManualEntries>();
        builder.Services.AddSingleton<WalletVerifier>();
        return builder;
    }
}
