using Clientele.Platform.Security;

namespace Clientele.Features.Portal;

/// <summary>Portal lifetimes, timeouts and rate limits (section <c>Portal</c>); the README lists the defaults.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>A login link e-mailed from the static link page: short, because it travels by e-mail on request.</summary>
    public TimeSpan StaticLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A dynamic link made by the merchant's API call (the reference says 24 hours).</summary>
    public TimeSpan DynamicLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A unified-portal login link.</summary>
    public TimeSpan UnifiedLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A link that confirms a new e-mail address.</summary>
    public TimeSpan EmailChangeLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionAbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    public RateLimitSetting PerEmail { get; set; } = new() { Limit = 5, Window = TimeSpan.FromMinutes(15) };

    public RateLimitSetting PerIp { get; set; } = new() { Limit = 30, Window = TimeSpan.FromMinutes(15) };

    public RateLimitSetting PerBusiness { get; set; } = new() { Limit = 200, Window = TimeSpan.FromMinutes(15) };
}

/// <summary>Refuses to start with a lifetime, timeout or rate limit that is zero or negative.</summary>
public sealed class PortalOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<PortalOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, PortalOptions options) =>
        new Platform.Hosting.SettingChecks(PortalOptions.Section)
            .Positive(nameof(options.StaticLinkLifetime), options.StaticLinkLifetime)
            .Positive(nameof(options.DynamicLinkLifetime), options.DynamicLinkLifetime)
            .Positive(nameof(options.UnifiedLinkLifetime), options.UnifiedLinkLifetime)
            .Positive(nameof(options.EmailChangeLinkLifetime), options.EmailChangeLinkLifetime)
            .Positive(nameof(options.SessionIdleTimeout), options.SessionIdleTimeout)
            .Positive(nameof(options.SessionAbsoluteTimeout), options.SessionAbsoluteTimeout)
            .RateLimit(nameof(options.PerEmail), options.PerEmail)
            .RateLimit(nameof(options.PerIp), options.PerIp)
            .RateLimit(nameof(options.PerBusiness), options.PerBusiness)
            .Result;
}
