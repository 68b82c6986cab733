namespace Clientele.Features.Refunds;

public sealed class RefundOptions
{
    public const string Section = "Refunds";

    /// <summary>Whether this process runs the recovery loop (tests drive <see cref="RefundRecovery"/> by hand).</summary>
    public bool RecoveryWorkerEnabled { get; set; } = true;

    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the request that reserved a refund owns it; after that the recovery pass may settle it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many stale pending refunds one recovery pass claims.</summary>
    public int BatchSize { get; set; } = 100;
}

public sealed class RefundOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<RefundOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, RefundOptions options) =>
        new Platform.Hosting.SettingChecks(RefundOptions.Section)
            .Positive(nameof(options.RecoveryInterval), options.RecoveryInterval)
            .Positive(nameof(options.Lease), options.Lease)
            .AtLeast(nameof(options.BatchSize), options.BatchSize, 1)
            .Result;
}
