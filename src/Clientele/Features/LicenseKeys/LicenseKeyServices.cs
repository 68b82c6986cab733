using Clientele.Platform.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Features.LicenseKeys;

public static class LicenseKeyServices
{
    public static IHostApplicationBuilder AddLicenseKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LicenseKeyOptions>().BindConfiguration(LicenseKeyOptions.Section)
            .Validate(options => options.IsValid, "LicenseKeys:PerKey and LicenseKeys:PerIp need a positive Limit and Window.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<RateLimiter>();
        builder.Services.AddSingleton<LicenseKeyIssuer>();
        builder.Services.AddSingleton<LicenseKeyStore>();
        builder.Services.AddSingleton<LicenseActivations>();
        return builder;
    }
}
