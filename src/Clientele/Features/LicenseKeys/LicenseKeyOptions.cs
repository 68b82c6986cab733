using Clientele.Platform.Security;

namespace Clientele.Features.LicenseKeys;

/// <summary>Rate limits of the public /licenses/* endpoints (section <c>LicenseKeys</c>); the README lists the defaults.</summary>
public sealed class LicenseKeyOptions
{
    public const string Section = "LicenseKeys";

    /// <summary>Requests naming one license key, from anywhere.</summary>
    public RateLimitSetting PerKey { get; set; } = new() { Limit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Requests from one IP address, whatever key they name (guessing keys is slow).</summary>
    public RateLimitSetting PerIp { get; set; } = new() { Limit = 300, Window = TimeSpan.FromMinutes(1) };
}

/// <summary>Refuses to start with a rate limit that is zero or negative.</summary>
public sealed class LicenseKeyOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<LicenseKeyOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, LicenseKeyOptions options) =>
        new Platform.Hosting.SettingChecks(LicenseKeyOptions.Section)
            .RateLimit(nameof(options.PerKey), options.PerKey)
            .RateLimit(nameof(options.PerIp), options.PerIp)
            .Result;
}
