using Npgsql;

namespace Clientele.Platform.Data;

/// <summary>
/// One pooled connection for a whole request (scoped): opened on first use, shared by the reads the
/// request makes one after another (a portal page's session lookup and its lists), and returned to the
/// pool when the request ends. Borrowing once instead of per read saves the pool round trips and keeps
/// a busy pool from handing a page's later reads to another request first. Not for concurrent use.
/// </summary>
public sealed class RequestConnection(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private NpgsqlConnection? connection;

    public async ValueTask<NpgsqlConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            var opened = await dataSource.OpenConnectionAsync(cancellationToken);
            connection = opened;
        }
        return connection;
    }

    public ValueTask DisposeAsync()
    {
        var held = connection;
        connection = null;
        return held?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
