namespace Clientele.Features.Dashboard.Customers;

public enum CustomerReportStatus
{
    Queued,
    Running,
    Ready,
    Failed,
}

/// <summary>A requested report as the page shows it: progress while it runs, then a download until it expires.</summary>
public sealed record CustomerReport(
    string Id,
    CustomerReportStatus Status,
    string Query,
    IReadOnlyList<CustomerColumn> Columns,
    long RowsDone,
    long RowsTotal,
    bool RowsTotalExact,
    long Bytes,
    DateTime CreatedAt,
    DateTime? FinishedAt,
    DateTime ExpiresAt)
{
    /// <summary>0–100 for the progress bar (100 only when ready; a running report never shows 100).</summary>
    public int Percent => Status switch
    {
        CustomerReportStatus.Ready => 100,
        _ when RowsTotal <= 0 => 0,
        _ => (int)Math.Min(99, RowsDone * 100 / RowsTotal),
    };

    public bool IsFinished => Status is CustomerReportStatus.Ready or CustomerReportStatus.Failed;

    /// <summary>"customers-20260131-154500.csv" (UTC request time).</summary>
    public string FileName => $"customers-{CreatedAt:yyyyMMdd-HHmmss}.csv";

    public const string ContentType = "text/csv; charset=utf-8";
}

public abstract record RequestReportOutcome
{
    /// <summary><paramref name="Created"/> is false when the same request (same idempotency key) had made it already.</summary>
    public sealed record Requested(CustomerReport Report, bool Created) : RequestReportOutcome;

    /// <summary>The idempotency key is missing or longer than 200 characters.</summary>
    public sealed record InvalidKey : RequestReportOutcome;

    /// <summary>The key was used before for another search or other columns (a form resubmitted after editing).</summary>
    public sealed record KeyReused(CustomerReport Existing) : RequestReportOutcome;

    /// <summary>No column chosen, or one twice.</summary>
    public sealed record InvalidColumns : RequestReportOutcome;
}

public abstract record ReportStatusOutcome
{
    public sealed record Found(CustomerReport Report) : ReportStatusOutcome;

    /// <summary>No such report in this business and mode (or it expired and was cleaned up).</summary>
    public sealed record NotFound : ReportStatusOutcome;
}

public abstract record OpenReportOutcome
{
    /// <summary>The CSV, read chunk by chunk from the database; dispose it (the page's FileStreamResult does).</summary>
    public sealed record Ready(CustomerReport Report, Stream Content) : OpenReportOutcome
    {
        public string FileName => Report.FileName;

        public string ContentType => CustomerReport.ContentType;

        public long Length => Report.Bytes;
    }

    public sealed record NotFound : OpenReportOutcome;

    /// <summary>Still queued or running; <see cref="CustomerReport.Percent"/> says how far.</summary>
    public sealed record NotReady(CustomerReport Report) : OpenReportOutcome;

    public sealed record Failed(CustomerReport Report) : OpenReportOutcome;

    /// <summary>Past <see cref="CustomerReport.ExpiresAt"/> (the clean-up removes it soon).</summary>
    public sealed record Expired : OpenReportOutcome;
}
