using Npgsql;

namespace Clientele.Platform.Data;

/// <summary>
/// One pooled connection for a request (scoped): opened on first use, shared by the reads the request
/// makes one after another (a portal page's own lists), and returned to the pool when the request ends
/// or is <see cref="ReleaseAsync">released</see>. A request must never hold it while something it calls
/// borrows a second connection from the same pool: with as many such requests as the pool has
/// connections, each would wait forever for its second. Not for concurrent use.
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

    /// <summary>Returns the connection to the pool now; a later <see cref="GetAsync"/> borrows one again.</summary>
    public ValueTask ReleaseAsync() => DisposeAsync();

    public ValueTask DisposeAsync()
    {
        var held = connection;
        connection = null;
        return held?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
