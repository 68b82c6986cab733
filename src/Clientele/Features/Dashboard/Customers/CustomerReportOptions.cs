namespace Clientele.Features.Dashboard.Customers;

public sealed class CustomerReportOptions
{
    public const string Section = "CustomerReports";

    /// <summary>Whether this process runs the report worker (tests drive <see cref="CustomerReportRunner"/> by hand).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How often an idle worker looks for queued reports (a request in this process wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a worker owns a running report without writing a batch; after that another takes it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Rows per batch: one keyset query, one chunk of the file, one transaction.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>How long a finished report can be downloaded.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Claims of one report before it is marked failed (a report that crashes its worker must not loop forever).</summary>
    public int MaxAttempts { get; set; } = 5;
}

public sealed class CustomerReportOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<CustomerReportOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, CustomerReportOptions options) =>
        new Platform.Hosting.SettingChecks(CustomerReportOptions.Section)
            .Positive(nameof(options.PollInterval), options.PollInterval)
            .Positive(nameof(options.Lease), options.Lease)
            .InRange(nameof(options.BatchSize), options.BatchSize, 1, 100_000)
            .Positive(nameof(options.Retention), options.Retention)
            .AtLeast(nameof(options.MaxAttempts), options.MaxAttempts, 1)
            .Result;
}
