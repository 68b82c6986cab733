namespace Clientele.Features.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Run the delivery worker in this process (every server process may; they share work safely).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>How often the worker looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed delivery stays reserved; past it, a dead worker's delivery is tried again.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public TimeSpan PreviousSecretLifetime { get; set; } = TimeSpan.FromHours(24);

    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// Allow endpoints on this machine (plain http to localhost, loopback addresses) for local development.
    /// Unset: on in Development, off elsewhere. Private networks and link-local addresses are never allowed.
    /// </summary>
    public bool? AllowPrivateTargets { get; set; }

    /// <summary>
    /// Delay before each attempt (ARCHITECTURE §6): at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    /// After the last one fails the delivery is marked failed.
    /// </summary>
    public static IReadOnlyList<TimeSpan> RetrySchedule { get; } =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];
}

/// <summary>Refuses to start with settings that would spin the worker or deliver twice.</summary>
public sealed class WebhookOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<WebhookOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var checks = new Platform.Hosting.SettingChecks(WebhookOptions.Section)
            .Positive(nameof(options.PollInterval), options.PollInterval)
            .Positive(nameof(options.ClaimDuration), options.ClaimDuration)
            .Positive(nameof(options.RequestTimeout), options.RequestTimeout)
            .Positive(nameof(options.PreviousSecretLifetime), options.PreviousSecretLifetime)
            .AtLeast(nameof(options.BatchSize), options.BatchSize, 1);
        // A claim that lapses while its request is still waiting lets another worker send it again.
        if (options.ClaimDuration <= options.RequestTimeout)
        {
            checks.Fail(nameof(options.ClaimDuration), $"must be longer than {WebhookOptions.Section}:{nameof(options.RequestTimeout)} ({options.ClaimDuration} <= {options.RequestTimeout})");
        }
        return checks.Result;
    }
}
