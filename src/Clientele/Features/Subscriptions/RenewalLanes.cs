using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>
/// How many renewal batches are worked on at once against one database, by every renewer together: a pass takes
/// up to <see cref="SubscriptionOptions.Batches"/> lanes (session advisory locks) and runs one batch loop per lane
/// it holds. When another renewer holds every lane, the pass waits (no claims; a short look every quarter second)
/// until one is free, and a renewer that stops or dies gives its lanes back with its session. Without this, two renewers on the same
/// database ran twice the batches; on a machine the first one already kept busy, each renewal then cost more
/// (more processes and connections taking turns on the same rows) and two renewed slower than one.
/// Lanes are named per scope: a pass limited to one business has that business's lanes.
/// </summary>
public sealed class RenewalLanes : IAsyncDisposable
{
    // An arbitrary constant naming "renewal lanes of every business" (the two-key form never meets the one-key
    // locks of the migrator and the key ring).
    private const int EveryBusiness = 0x52656e77; // "Renw"

    private readonly NpgsqlConnection connection;

    private RenewalLanes(NpgsqlConnection connection, IReadOnlyList<int> held)
    {
        this.connection = connection;
        Held = held;
    }

    /// <summary>The lanes this pass holds (at least one).</summary>
    public IReadOnlyList<int> Held { get; }

    /// <summary>The first key of a scope's lanes (the second is the lane's number).</summary>
    public static int ScopeKey(string? businessId) => businessId is null
        ? EveryBusiness
        : BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("renewal-lanes:" + businessId)));

    /// <summary>How often a pass that found every lane taken looks again.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Takes every free lane of <paramref name="count"/>, looking again every <see cref="RetryDelay"/> while none is
    /// free. The connection is the pass's own and holds the locks until <see cref="DisposeAsync"/>.
    /// </summary>
    /// <remarks>
    /// Not a blocking <c>pg_advisory_lock</c>: a statement waiting for a lock keeps its snapshot, and with it the
    /// database's oldest visible transaction, for as long as it waits. Every row version the working renewer left
    /// behind (a subscription, a charge, a payment updated) then stayed unprunable for the whole pass: at 100,000 due
    /// two processes, one of them only waiting, renewed at 0.84 of one, the database spending 0.6 ms more per renewal.
    /// Each try here is a short statement, and between tries the connection holds no snapshot.
    /// </remarks>
    public static async Task<RenewalLanes> TakeAsync(NpgsqlDataSource dataSource, string? businessId, int count, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var scope = ScopeKey(businessId);
            List<int> held;
            while ((held = await TryTakeAsync(connection, scope, count, cancellationToken)).Count == 0)
            {
                // Real time, not the application's clock: this waits for another process, not for a business date.
                await Task.Delay(RetryDelay, cancellationToken);
            }
            return new RenewalLanes(connection, held);
        }
        catch
        {
            await ReleaseAsync(connection);
            throw;
        }
    }

    private static async Task<List<int>> TryTakeAsync(NpgsqlConnection connection, int scope, int count, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<int>(new CommandDefinition("""
            SELECT lane FROM generate_series(0, @count - 1) AS lane WHERE pg_try_advisory_lock(@scope, lane) ORDER BY lane
            """, new { scope, count }, cancellationToken: cancellationToken))).AsList();

    public ValueTask DisposeAsync() => ReleaseAsync(connection);

    /// <summary>
    /// Gives back every lane the connection holds before it goes back to the pool (whose reset would release them
    /// only when the connection is next used). A connection that cannot say so is broken, and its session ends.
    /// </summary>
    private static async ValueTask ReleaseAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock_all()", cancellationToken: CancellationToken.None));
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // Nothing to give back on a broken connection: its locks went with its session.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
