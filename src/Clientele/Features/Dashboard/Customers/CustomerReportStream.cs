using Clientele.Primitives;
using Npgsql;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// A report's file, read forward one stored chunk at a time (one chunk in memory, whatever the
/// file's size). Each chunk is fetched by its tenant too, so the stream cannot wander into another
/// business's rows.
/// </summary>
internal sealed class CustomerReportStream(NpgsqlDataSource dataSource, Tenant tenant, string reportId, int chunks) : Stream
{
    private NpgsqlConnection? connection;
    private byte[] current = [];
    private int offset;
    private int nextChunk;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (offset == current.Length)
        {
            if (nextChunk == chunks)
            {
                return 0;
            }
            current = await FetchAsync(nextChunk++, cancellationToken);
            offset = 0;
        }
        var length = Math.Min(buffer.Length, current.Length - offset);
        current.AsMemory(offset, length).CopyTo(buffer);
        offset += length;
        return length;
    }

    private async Task<byte[]> FetchAsync(int seq, CancellationToken cancellationToken)
    {
        connection ??= await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT data FROM customer_report_chunks WHERE report_id = @reportId AND business_id = @businessId AND mode = @mode AND seq = @seq", connection);
        command.Parameters.AddWithValue("reportId", reportId);
        command.Parameters.AddWithValue("businessId", tenant.BusinessId);
        command.Parameters.AddWithValue("mode", tenant.ModeText);
        command.Parameters.AddWithValue("seq", seq);
        // Expired and cleaned up while being downloaded: end the download with an error, not a short file.
        return await command.ExecuteScalarAsync(cancellationToken) as byte[]
            ?? throw new IOException($"Report {reportId} lost its chunk {seq} (expired while downloading?).");
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            connection?.Dispose();
            connection = null;
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
        await base.DisposeAsync();
    }
}
