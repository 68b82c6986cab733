using System.Net;
using Clientele.Platform;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// Builds queued reports. A pass claims one report (<c>FOR UPDATE SKIP LOCKED</c>: queued, or running
/// with a lapsed lease, so a crashed worker's report is taken over), then writes it in keyset batches:
/// each batch is one query (its optional columns included) and one transaction that appends the
/// batch's chunk, advances rows_done and the keyset position, and renews the lease — guarded by the
/// claim's lease token, so a worker that lost its lease writes nothing more. A taken-over report
/// resumes after the last committed batch; each row is written once. Memory holds one batch.
/// One class on purpose (about 300 lines): claiming, the batches, finishing and the ready e-mail all
/// act under the same claim and lease token, and splitting them would pass that state around.
/// </summary>
public sealed class CustomerReportRunner(
    NpgsqlDataSource dataSource,
    EmailOutbox outbox,
    EmailDispatchSignal mailSignal,
    IOptions<PublicUrlOptions> urls,
    IOptions<CustomerReportOptions> options,
    TimeProvider clock,
    ILogger<CustomerReportRunner> logger)
{
    private sealed class Claimed
    {
        public string Id { get; init; } = "";
        public string BusinessId { get; init; } = "";
        public string Mode { get; init; } = "";
        public string Query { get; init; } = "";
        public string[] Columns { get; init; } = [];
        public int Attempts { get; init; }
        public int Chunks { get; set; }
        public string? AfterName { get; set; }
        public DateTime? AfterCreatedAt { get; set; }
        public string? AfterId { get; set; }
        public Guid LeaseToken { get; init; }
    }

    /// <summary>One pass: builds at most one report; returns 1 when it claimed one.</summary>
    public Task<int> RunOnceAsync(CancellationToken cancellationToken) => RunOnceAsync(null, null, int.MaxValue, cancellationToken);

    /// <summary>
    /// A pass limited to one business (tests), with its own batch size, stopping after
    /// <paramref name="maxBatches"/> batches as a process dying mid-report would (the report stays
    /// running under its lease).
    /// </summary>
    internal async Task<int> RunOnceAsync(string? businessId, int? batchSize, int maxBatches, CancellationToken cancellationToken)
    {
        var report = await ClaimAsync(businessId, cancellationToken);
        if (report is null)
        {
            return 0;
        }
        if (report.Attempts > options.Value.MaxAttempts)
        {
            await FailAsync(report, $"gave up after {report.Attempts - 1} attempts", cancellationToken);
            return 1;
        }
        try
        {
            await BuildAsync(report, batchSize ?? options.Value.BatchSize, maxBatches, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Let the lease lapse now rather than in minutes: the next pass tries again from the last batch.
            logger.LogError(ex, "Customer report {ReportId} failed on attempt {Attempt}; it will be retried", report.Id, report.Attempts);
            await ReleaseAsync(report, ex.GetType().Name, cancellationToken);
        }
        return 1;
    }

    /// <summary>Deletes reports (and their files) past their expiry; returns how many.</summary>
    public Task<int> DeleteExpiredAsync(CancellationToken cancellationToken) => DeleteExpiredAsync(null, cancellationToken);

    /// <summary>The clean-up limited to one business (tests, whose clocks run ahead of other tests' reports).</summary>
    internal async Task<int> DeleteExpiredAsync(string? businessId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM customer_reports WHERE id IN (
                SELECT id FROM customer_reports
                WHERE expires_at < @now AND status <> 'running' AND (@businessId::text IS NULL OR business_id = @businessId)
                ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED)
            """, new { now = clock.GetUtcNow().UtcDateTime, businessId }, cancellationToken: cancellationToken));
    }

    private async Task BuildAsync(Claimed report, int batchSize, int maxBatches, CancellationToken cancellationToken)
    {
        if (CustomerListQuery.Parse(report.Query) is not CustomerListQueryOutcome.Parsed { Query: var query })
        {
            await FailAsync(report, "the stored query no longer parses", cancellationToken);
            return;
        }
        var columns = report.Columns.Select(key => CustomerColumns.TryParse(key, out var c) ? c : (CustomerColumn?)null).OfType<CustomerColumn>().ToList();
        var tenant = new Tenant(report.BusinessId, ModeText.Parse(report.Mode));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (report.Chunks == 0)
        {
            await CountAsync(connection, report, tenant, query, cancellationToken);
        }
        for (var batches = 0; batches < maxBatches; batches++)
        {
            var (rows, last) = await ReadBatchAsync(connection, report, tenant, query, columns, batchSize, cancellationToken);
            var csv = new System.Text.StringBuilder(rows.Count * 160 + 256);
            if (report.Chunks == 0)
            {
                CustomerCsv.WriteHeader(csv, columns);
            }
            foreach (var (row, _) in rows)
            {
                CustomerCsv.WriteRow(csv, row, columns);
            }
            var bytes = Encode(csv, withPreamble: report.Chunks == 0);
            var finished = rows.Count < batchSize;
            if (!await CommitBatchAsync(connection, report, tenant, bytes, rows.Count, last, finished, cancellationToken))
            {
                logger.LogWarning("Customer report {ReportId}: the lease was lost to another worker; stopping here", report.Id);
                return;
            }
            if (finished)
            {
                logger.LogInformation("Customer report {ReportId} is ready", report.Id);
                return;
            }
        }
    }

    private static byte[] Encode(System.Text.StringBuilder csv, bool withPreamble)
    {
        var preamble = withPreamble ? CustomerCsv.Preamble.Length : 0;
        var text = csv.ToString();
        var bytes = new byte[preamble + CustomerCsv.Encoding.GetByteCount(text)];
        CustomerCsv.Preamble[..preamble].CopyTo(bytes);
        CustomerCsv.Encoding.GetBytes(text, bytes.AsSpan(preamble));
        return bytes;
    }

    /// <summary>The exact number of rows, once per report, for its progress bar (the request stored only the bounded count).</summary>
    private static async Task CountAsync(NpgsqlConnection connection, Claimed report, Tenant tenant, CustomerListQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE customer_reports SET rows_total = (SELECT count(*) FROM customers c WHERE {CustomerListSql.Filter(query)}), rows_total_exact = true
            WHERE id = @report_id AND lease_token = @lease_token
            """, connection);
        command.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());
        command.Parameters.AddWithValue("report_id", report.Id);
        command.Parameters.AddWithValue("lease_token", report.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<(List<(CustomerListRow Row, string SortName)> Rows, (string? Name, DateTime CreatedAt, string Id)? Last)> ReadBatchAsync(
        NpgsqlConnection connection, Claimed report, Tenant tenant, CustomerListQuery query, List<CustomerColumn> columns, int batchSize, CancellationToken cancellationToken)
    {
        var after = report.AfterId is null ? "" : " AND " + CustomerListSql.After(query);
        var inner = $"SELECT {CustomerListSql.CustomerColumnsSql} FROM customers c WHERE {CustomerListSql.Filter(query)}{after} ORDER BY {CustomerListSql.OrderBy(query, "c")} LIMIT @limit";
        await using var command = new NpgsqlCommand(CustomerListSql.WithColumns(inner, query, columns, withSortName: true), connection);
        command.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());
        command.Parameters.AddWithValue("limit", batchSize);
        if (report.AfterId is not null)
        {
            command.Parameters.AddWithValue("after_id", report.AfterId);
            if (query.Sort == CustomerSort.Name)
            {
                command.Parameters.AddWithValue("after_name", report.AfterName ?? "");
            }
            else
            {
                command.Parameters.Add(new NpgsqlParameter("after_created_at", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = report.AfterCreatedAt!.Value });
            }
        }
        // A batch with optional columns costs past jit_above_cost, and compiling its plan took ~50 ms of
        // a ~90 ms query, for every one of a million-row report's 200 batches: no JIT for this read.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var noJit = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction))
        {
            await noJit.ExecuteNonQueryAsync(cancellationToken);
        }
        command.Transaction = transaction;
        var rows = new List<(CustomerListRow, string)>(batchSize);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var sortName = reader.GetOrdinal("sort_name");
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((CustomerListSql.Read(reader, columns), reader.GetString(sortName)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return (rows, rows.Count == 0 ? null : (rows[^1].Item2, rows[^1].Item1.CreatedAt, rows[^1].Item1.Id));
    }

    /// <summary>Appends the chunk and moves the report on, only while this worker still holds its lease.</summary>
    private async Task<bool> CommitBatchAsync(NpgsqlConnection connection, Claimed report, Tenant tenant, byte[] chunk, int rows,
        (string? Name, DateTime CreatedAt, string Id)? last, bool finished, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var notify = await connection.QuerySingleOrDefaultAsync<(string? NotifyEmail, int Chunks)>(new CommandDefinition("""
            UPDATE customer_reports SET
                chunks = chunks + 1, bytes = bytes + @length, rows_done = rows_done + @rows,
                after_name = coalesce(@afterName, after_name), after_created_at = coalesce(@afterCreatedAt, after_created_at), after_id = coalesce(@afterId, after_id),
                status = CASE WHEN @finished THEN 'ready' ELSE status END,
                finished_at = CASE WHEN @finished THEN @now END,
                expires_at = CASE WHEN @finished THEN @expiresAt ELSE expires_at END,
                rows_total = CASE WHEN @finished THEN rows_done + @rows ELSE greatest(rows_total, rows_done + @rows) END,
                lease_token = CASE WHEN @finished THEN NULL ELSE lease_token END,
                lease_until = CASE WHEN @finished THEN NULL ELSE @leaseUntil END,
                error = NULL
            WHERE id = @id AND lease_token = @leaseToken AND status = 'running'
            RETURNING notify_email, chunks
            """,
            new
            {
                id = report.Id,
                leaseToken = report.LeaseToken,
                length = (long)chunk.Length,
                rows = (long)rows,
                afterName = last?.Name,
                afterCreatedAt = last?.CreatedAt,
                afterId = last?.Id,
                finished,
                now,
                expiresAt = now + options.Value.Retention,
                leaseUntil = now + options.Value.Lease,
            }, transaction, cancellationToken: cancellationToken));
        if (notify == default)
        {
            return false;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO customer_report_chunks (report_id, seq, business_id, mode, data) VALUES (@id, @seq, @businessId, @mode, @chunk)",
            new { id = report.Id, seq = notify.Chunks - 1, businessId = tenant.BusinessId, mode = tenant.ModeText, chunk }, transaction, cancellationToken: cancellationToken));
        if (finished && notify.NotifyEmail is { } recipient)
        {
            await outbox.EnqueueAsync(connection, transaction, EmailScope.For(tenant), ReadyEmail(report.Id, recipient), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        report.Chunks = notify.Chunks;
        if (last is { } position)
        {
            (report.AfterName, report.AfterCreatedAt, report.AfterId) = position;
        }
        if (finished && notify.NotifyEmail is not null)
        {
            mailSignal.Wake();
        }
        return true;
    }

    private EmailMessage ReadyEmail(string reportId, string recipient)
    {
        var link = $"{urls.Value.Dashboard}/customers/reports/{reportId}";
        var hours = (int)options.Value.Retention.TotalHours;
        return new EmailMessage(
            "customer_report_ready",
            recipient,
            "Your customer report is ready",
            $"Your customer report is ready. Download it within {hours} hours (sign in first): {link}",
            $"<p>Your customer report is ready.</p><p><a href=\"{WebUtility.HtmlEncode(link)}\">Download it</a> within {hours} hours (sign in first).</p>",
            "en");
    }

    private async Task<Claimed?> ClaimAsync(string? businessId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Claimed>(new CommandDefinition("""
            WITH next AS (
                SELECT id FROM customer_reports
                WHERE status IN ('queued', 'running') AND (status = 'queued' OR lease_until < @now)
                  AND (@businessId::text IS NULL OR business_id = @businessId)
                ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            UPDATE customer_reports r SET status = 'running', lease_token = @token, lease_until = @until,
                attempts = r.attempts + 1, started_at = coalesce(r.started_at, @now)
            FROM next WHERE r.id = next.id
            RETURNING r.id, r.business_id, r.mode, r.query, r.columns, r.attempts, r.chunks, r.after_name, r.after_created_at, r.after_id, r.lease_token
            """, new { now, until = now + options.Value.Lease, token = Guid.NewGuid(), businessId }, cancellationToken: cancellationToken));
    }

    private async Task ReleaseAsync(Claimed report, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE customer_reports SET lease_until = @now, error = @error WHERE id = @id AND lease_token = @leaseToken AND status = 'running'",
            new { now = clock.GetUtcNow().UtcDateTime, error, id = report.Id, leaseToken = report.LeaseToken }, cancellationToken: cancellationToken));
    }

    private async Task FailAsync(Claimed report, string error, CancellationToken cancellationToken)
    {
        logger.LogError("Customer report {ReportId} failed: {Error}", report.Id, error);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE customer_reports SET status = 'failed', error = @error, finished_at = @now, expires_at = @expiresAt, lease_token = NULL, lease_until = NULL
            WHERE id = @id AND lease_token = @leaseToken
            """, new { error, now, expiresAt = now + options.Value.Retention, id = report.Id, leaseToken = report.LeaseToken }, cancellationToken: cancellationToken));
    }
}
