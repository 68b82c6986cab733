using Clientele.Platform.Security;
using Microsoft.Extensions.Options;

namespace Clientele.Platform.Hosting;

/// <summary>
/// Collects what is wrong with one section's settings, each message naming the setting as it is
/// configured (<c>Subscriptions:BatchSize must be at least 1</c>), so a bad value stops start-up
/// with a message an operator can act on instead of failing later inside a worker.
/// </summary>
public sealed class SettingChecks(string section)
{
    private readonly List<string> failures = [];

    public ValidateOptionsResult Result => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    public SettingChecks Fail(string setting, string problem)
    {
        failures.Add($"{section}:{setting} {problem}");
        return this;
    }

    public SettingChecks AtLeast(string setting, int value, int minimum) =>
        value >= minimum ? this : Fail(setting, $"must be at least {minimum} (was {value})");

    public SettingChecks InRange(string setting, int value, int minimum, int maximum) =>
        value >= minimum && value <= maximum ? this : Fail(setting, $"must be between {minimum} and {maximum} (was {value})");

    /// <summary>An interval, timeout or lifetime: zero or negative would spin a loop or expire everything at once.</summary>
    public SettingChecks Positive(string setting, TimeSpan value) =>
        value > TimeSpan.Zero ? this : Fail(setting, $"must be longer than zero (was {value})");

    public SettingChecks NotNegative(string setting, TimeSpan value) =>
        value >= TimeSpan.Zero ? this : Fail(setting, $"must not be negative (was {value})");

    public SettingChecks RateLimit(string setting, RateLimitSetting? value)
    {
        if (value is null)
        {
            return Fail(setting, "must be set");
        }
        AtLeast($"{setting}:Limit", value.Limit, 1);
        return Positive($"{setting}:Window", value.Window);
    }

    /// <summary>An absolute http(s) URL, as links in e-mails and pages must be.</summary>
    public SettingChecks AbsoluteHttpUrl(string setting, string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Query.Length == 0
            ? this
            : Fail(setting, $"must be an absolute http or https URL without a query (was '{value}')");
}

public static class ValidatedOptions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to its section and refuses to start when <typeparamref name="TValidator"/> finds a problem.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
