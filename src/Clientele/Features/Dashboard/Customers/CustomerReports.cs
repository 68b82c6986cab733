using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// Generate report: request one (idempotent per form submission), read its progress, open its file.
/// The work itself is done by <see cref="CustomerReportRunner"/> in the background.
/// </summary>
public sealed class CustomerReports(NpgsqlDataSource dataSource, CustomerList list, CustomerReportSignal signal, IOptions<CustomerReportOptions> options, TimeProvider clock)
{
    internal const string IdPrefix = "crp";

    internal const string Columns = """
        id, status, query, columns, rows_done, rows_total, rows_total_exact, bytes, created_at, finished_at, expires_at
        """;

    /// <summary>
    /// Queues a report of every customer <paramref name="query"/> selects (all pages) with
    /// <paramref name="columns"/>. The same <paramref name="idempotencyKey"/> (a hidden field of the
    /// form) from the same person returns the first report, so a double click makes one.
    /// <paramref name="notifyEmail"/>, when given, is mailed a link once the report is ready.
    /// </summary>
    public async Task<RequestReportOutcome> RequestAsync(Tenant tenant, string userId, string idempotencyKey, CustomerListQuery query,
        IReadOnlyList<CustomerColumn> columns, string? notifyEmail, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 200)
        {
            return new RequestReportOutcome.InvalidKey();
        }
        if (columns.Count == 0 || columns.Distinct().Count() != columns.Count)
        {
            return new RequestReportOutcome.InvalidColumns();
        }
        // The report is the whole list: position and page size are not part of it.
        var canonical = (query with { Page = 1, PageSize = 10, Columns = null }).ToQueryString().TrimStart('?');
        var keys = columns.Select(c => c.Key()).ToArray();
        var total = await list.CountAsync(tenant, query, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var created = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            INSERT INTO customer_reports (id, business_id, mode, requested_by, idempotency_key, query, columns, notify_email, status,
                rows_total, rows_total_exact, created_at, expires_at)
            VALUES (@id, @businessId, @mode, @userId, @idempotencyKey, @canonical, @keys, @notifyEmail, 'queued',
                @count, @exact, @now, @expiresAt)
            ON CONFLICT (business_id, mode, requested_by, idempotency_key) DO NOTHING
            RETURNING {Columns}
            """,
            new
            {
                id = Ids.New(IdPrefix),
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                userId,
                idempotencyKey,
                canonical,
                keys,
                notifyEmail = string.IsNullOrWhiteSpace(notifyEmail) ? null : notifyEmail.Trim(),
                count = total.Count,
                exact = total.IsExact,
                now,
                // A report nobody ran for a whole retention period is dropped like an expired one.
                expiresAt = now + options.Value.Retention,
            },
            cancellationToken: cancellationToken));
        if (created is not null)
        {
            signal.Wake();
            return new RequestReportOutcome.Requested(created.ToReport(), Created: true);
        }
        var existing = await connection.QuerySingleAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM customer_reports
            WHERE business_id = @businessId AND mode = @mode AND requested_by = @userId AND idempotency_key = @idempotencyKey
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, userId, idempotencyKey }, cancellationToken: cancellationToken));
        var report = existing.ToReport();
        return report.Query == canonical && report.Columns.SequenceEqual(columns)
            ? new RequestReportOutcome.Requested(report, Created: false)
            : new RequestReportOutcome.KeyReused(report);
    }

    /// <summary>The report's status and progress (poll it for the progress bar).</summary>
    public async Task<ReportStatusOutcome> GetAsync(Tenant tenant, string reportId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await FindAsync(connection, tenant, reportId, cancellationToken);
        return row is null ? new ReportStatusOutcome.NotFound() : new ReportStatusOutcome.Found(row.ToReport());
    }

    /// <summary>This business's and mode's recent reports, newest first (any member's: the file is the business's).</summary>
    public async Task<IReadOnlyList<CustomerReport>> ListRecentAsync(Tenant tenant, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM customer_reports
            WHERE business_id = @businessId AND mode = @mode AND expires_at > @now
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime, limit = Math.Clamp(limit, 1, 100) },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToReport())];
    }

    /// <summary>
    /// OpenReport: the file of a ready report of this business and mode, as a stream that reads it
    /// one chunk at a time (memory stays flat however large). Another business's id is NotFound.
    /// </summary>
    public async Task<OpenReportOutcome> OpenAsync(Tenant tenant, string reportId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await FindAsync(connection, tenant, reportId, cancellationToken);
        if (row is null)
        {
            return new OpenReportOutcome.NotFound();
        }
        var report = row.ToReport();
        if (report.ExpiresAt <= clock.GetUtcNow().UtcDateTime)
        {
            return new OpenReportOutcome.Expired();
        }
        return report.Status switch
        {
            CustomerReportStatus.Ready => new OpenReportOutcome.Ready(report, new CustomerReportStream(dataSource, tenant, report.Id, row.Chunks)),
            CustomerReportStatus.Failed => new OpenReportOutcome.Failed(report),
            _ => new OpenReportOutcome.NotReady(report),
        };
    }

    private static Task<Row?> FindAsync(NpgsqlConnection connection, Tenant tenant, string reportId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns}, chunks FROM customer_reports WHERE id = @reportId AND business_id = @businessId AND mode = @mode",
            new { reportId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));

    internal sealed class Row
    {
        public string Id { get; init; } = "";
        public string Status { get; init; } = "";
        public string Query { get; init; } = "";
        public string[] Columns { get; init; } = [];
        public long RowsDone { get; init; }
        public long RowsTotal { get; init; }
        public bool RowsTotalExact { get; init; }
        public long Bytes { get; init; }
        public int Chunks { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? FinishedAt { get; init; }
        public DateTime ExpiresAt { get; init; }

        public CustomerReport ToReport() => new(
            Id,
            Status switch
            {
                "queued" => CustomerReportStatus.Queued,
                "running" => CustomerReportStatus.Running,
                "ready" => CustomerReportStatus.Ready,
                _ => CustomerReportStatus.Failed,
            },
            Query,
            [.. Columns.Select(key => CustomerColumns.TryParse(key, out var column) ? column : (CustomerColumn?)null).OfType<CustomerColumn>()],
            RowsDone,
            RowsTotal,
            RowsTotalExact,
            Bytes,
            Utc(CreatedAt),
            FinishedAt is { } finished ? Utc(finished) : null,
            Utc(ExpiresAt));

        private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
    }
}
