using Clientele.Platform.Hosting;
using Clientele.Platform.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Features.LicenseKeys;

public static class LicenseKeyServices
{
    public static IHostApplicationBuilder AddLicenseKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LicenseKeyOptions, LicenseKeyOptionsValidator>(LicenseKeyOptions.Section);
        builder.Services.TryAddSingleton<RateLimiter>();
        builder.Services.AddSingleton<LicenseKeyIssuer>();
        builder.Services.AddSingleton<LicenseKeyStore>();
        builder.Services.AddSingleton<PurchasedKeys>();
        builder.Services.AddSingleton<ImportLicenseKey>();
        builder.Services.AddSingleton<UpdateLicenseKey>();
        builder.Services.AddSingleton<RenameLicenseKeyInstance>();
        builder.Services.AddSingleton<LicenseActivations>();
        return builder;
    }
}
