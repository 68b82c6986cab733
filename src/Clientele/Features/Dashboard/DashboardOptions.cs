using Clientele.Platform.Security;

namespace Clientele.Features.Dashboard;

/// <summary>Dashboard sign-in lifetimes, timeouts and rate limits (section <c>Dashboard</c>); the README lists the defaults.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>A sign-in link (from the login page, an invitation or the CLI).</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionAbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a link's sign-in waits for the two-factor code.</summary>
    public TimeSpan SecondFactorTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public RateLimitSetting PerEmail { get; set; } = new() { Limit = 5, Window = TimeSpan.FromMinutes(15) };

    public RateLimitSetting PerIp { get; set; } = new() { Limit = 30, Window = TimeSpan.FromMinutes(15) };

    /// <summary>Two-factor codes tried per person (a 6-digit code must not be guessable by trying).</summary>
    public RateLimitSetting CodeAttempts { get; set; } = new() { Limit = 6, Window = TimeSpan.FromMinutes(5) };
}

/// <summary>Refuses to start with a lifetime, timeout or rate limit that is zero or negative.</summary>
public sealed class DashboardOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<DashboardOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, DashboardOptions options) =>
        new Platform.Hosting.SettingChecks(DashboardOptions.Section)
            .Positive(nameof(options.LinkLifetime), options.LinkLifetime)
            .Positive(nameof(options.SessionIdleTimeout), options.SessionIdleTimeout)
            .Positive(nameof(options.SessionAbsoluteTimeout), options.SessionAbsoluteTimeout)
            .Positive(nameof(options.SecondFactorTimeout), options.SecondFactorTimeout)
            .RateLimit(nameof(options.PerEmail), options.PerEmail)
            .RateLimit(nameof(options.PerIp), options.PerIp)
            .RateLimit(nameof(options.CodeAttempts), options.CodeAttempts)
            .Result;
}
