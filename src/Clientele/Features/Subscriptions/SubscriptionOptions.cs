namespace Clientele.Features.Subscriptions;

public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>Whether this process runs the renewal worker (tests drive it by hand).</summary>
    public bool WorkerEnabled { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many due subscriptions one claim takes.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How many charges of a batch go to the processor at once.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>
    /// How many claimed batches are worked on at once (while one waits on the processor, another is claimed or
    /// recorded), by every renewer of the database together (<see cref="RenewalLanes"/>: a second renewer waits
    /// for a free lane rather than doubling the work in flight); a pass's batches share <see cref="Parallelism"/>.
    /// Three kept both cores of the 2-core bench machine busy (95 % against 88 % with two) and renewed 587/s at
    /// 100,000 due against 471 with two and 559 with four (bench/README.md, "Subscription renewals").
    /// </summary>
    public int Batches { get; set; } = 3;

    /// <summary>How long a worker owns a charge it started; after that the recovery pass may finish it.</summary>
    public TimeSpan ChargeLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long before a renewal the customer is told it is coming.</summary>
    public TimeSpan RenewalNotice { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>Refuses to start with settings that would stall or spin the renewal worker.</summary>
public sealed class SubscriptionOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<SubscriptionOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, SubscriptionOptions options) =>
        new Platform.Hosting.SettingChecks(SubscriptionOptions.Section)
            .Positive(nameof(options.PollInterval), options.PollInterval)
            .AtLeast(nameof(options.BatchSize), options.BatchSize, 1)
            .AtLeast(nameof(options.Parallelism), options.Parallelism, 1)
            .AtLeast(nameof(options.Batches), options.Batches, 1)
            .Positive(nameof(options.ChargeLease), options.ChargeLease)
            .NotNegative(nameof(options.RenewalNotice), options.RenewalNotice)
            .Result;
}
