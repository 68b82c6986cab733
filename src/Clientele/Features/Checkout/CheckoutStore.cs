using System.Security.Cryptography;
using System.Text.Json;
using Clientele.Features.Payments.Processor;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Checkout;

/// <summary>Checkout session rows. The hosted page finds a session by its unguessable id alone.</summary>
public sealed class CheckoutStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>How long a checkout link stays payable.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public async Task<CheckoutSession> CreateAsync(Tenant tenant, CheckoutRequest request, IReadOnlyList<CartLine> lines, string currency, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertAsync(connection, null, tenant, request, lines, currency, clock.GetUtcNow().UtcDateTime, null, cancellationToken);
    }

    /// <summary>Writes a session in the caller's transaction; <paramref name="subscription"/> ties it to the subscription it starts or repairs.</summary>
    public static Task<CheckoutSession> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, CheckoutRequest request,
        IReadOnlyList<CartLine> lines, string currency, DateTime now, (string Id, string Purpose)? subscription, CancellationToken cancellationToken) =>
        InsertAsync(connection, transaction, tenant, request, lines, currency, now, subscription?.Purpose ?? "purchase", subscription?.Id, cancellationToken);

    /// <summary>
    /// A session that only saves a card for an existing customer (<c>save_card</c>): no lines, nothing
    /// charged, back to <see cref="CheckoutRequest.ReturnUrl"/> afterwards.
    /// </summary>
    public static Task<CheckoutSession> InsertCardSaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, CheckoutRequest request,
        string currency, DateTime now, CancellationToken cancellationToken) =>
        InsertAsync(connection, transaction, tenant, request, [], currency, now, CheckoutPurposes.SaveCard, null, cancellationToken);

    /// <summary>The open card-saving session of a customer with this return URL and at least <paramref name="minimumLeft"/> to live, if any (the newest).</summary>
    public static Task<CheckoutSession?> FindOpenCardSaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string customerId, string returnUrl,
        DateTime now, TimeSpan minimumLeft, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<CheckoutSession?>(new CommandDefinition($"""
            SELECT {CheckoutSession.Columns} FROM checkout_sessions
            WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId AND purpose = 'save_card' AND status = 'open'
              AND return_url = @returnUrl AND expires_at > @until
            ORDER BY created_at DESC LIMIT 1
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId, returnUrl, until = now + minimumLeft }, transaction, cancellationToken: cancellationToken));

    private static Task<CheckoutSession> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, CheckoutRequest request,
        IReadOnlyList<CartLine> lines, string currency, DateTime now, string purpose, string? subscriptionId, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<CheckoutSession>(new CommandDefinition($"""
            INSERT INTO checkout_sessions (id, business_id, mode, customer_id, customer_email, customer_name, billing, currency, total_amount,
                cart, return_url, metadata, status, expires_at, created_at, updated_at, subscription_id, purpose)
            VALUES (@id, @businessId, @mode, @CustomerId, @CustomerEmail, @CustomerName, @billing::jsonb, @currency, @total,
                @cart::jsonb, @ReturnUrl, @MetadataJson::jsonb, 'open', @expires, @now, @now, @subscriptionId, @purpose)
            RETURNING {CheckoutSession.Columns}
            """,
            new
            {
                id = Ids.New(Ids.CheckoutSession),
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                request.CustomerId,
                request.CustomerEmail,
                request.CustomerName,
                billing = request.Billing is null ? null : JsonSerializer.Serialize(request.Billing, CheckoutJson.Options),
                currency,
                total = lines.Sum(l => l.Amount),
                cart = JsonSerializer.Serialize(lines, CheckoutJson.Options),
                request.ReturnUrl,
                request.MetadataJson,
                expires = now + Lifetime,
                now,
                subscriptionId,
                purpose,
            }, transaction, cancellationToken: cancellationToken));

    /// <summary>By id only: the id is the capability the hosted page link carries (142 random bits).</summary>
    public async Task<CheckoutSession?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!Ids.LooksLike(sessionId, Ids.CheckoutSession))
        {
            return null;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CheckoutSession>(new CommandDefinition(
            $"SELECT {CheckoutSession.Columns} FROM checkout_sessions WHERE id = @sessionId", new { sessionId }, cancellationToken: cancellationToken));
    }

    public async Task<CheckoutSession?> FindAsync(Tenant tenant, string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CheckoutSession>(new CommandDefinition(
            $"SELECT {CheckoutSession.Columns} FROM checkout_sessions WHERE id = @sessionId AND business_id = @businessId AND mode = @mode",
            new { sessionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    /// <summary>GET /checkouts/{id}: the session with its payment's status, in one query.</summary>
    public async Task<CheckoutSessionStatus?> FindStatusAsync(Tenant tenant, string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CheckoutSessionStatus>(new CommandDefinition("""
            SELECT s.id, s.created_at, s.customer_email, s.customer_name, s.payment_id, p.status AS payment_status
            FROM checkout_sessions s LEFT JOIN payments p ON p.id = s.payment_id AND p.business_id = s.business_id AND p.mode = s.mode
            WHERE s.id = @sessionId AND s.business_id = @businessId AND s.mode = @mode
            """, new { sessionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Claims the session for one payment attempt (a guarded update: only an open, unexpired session
    /// can be claimed), so two tabs or a double submit cannot charge twice. Returns the attempt key.
    /// </summary>
    public async Task<string?> ClaimAsync(CheckoutSession session, CardToken card, CancellationToken cancellationToken)
    {
        var key = $"{session.Id}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE checkout_sessions SET status = 'processing', attempt_key = @key, attempt_started_at = @now, attempt_card = @card::jsonb, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND status = 'open' AND expires_at > @now
            """,
            new { key, now, card = JsonSerializer.Serialize(card, CheckoutJson.Options), id = session.Id, businessId = session.BusinessId, mode = session.Mode },
            cancellationToken: cancellationToken));
        return claimed == 1 ? key : null;
    }

    /// <summary>Gives the session back for another attempt (after a decline, or a charge that never happened).</summary>
    public static Task ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CheckoutSession session, string attemptKey, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE checkout_sessions SET status = 'open', attempt_key = NULL, attempt_started_at = NULL, attempt_card = NULL, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND status = 'processing' AND attempt_key = @attemptKey
            """, new { id = session.Id, businessId = session.BusinessId, mode = session.Mode, attemptKey, now }, transaction, cancellationToken: cancellationToken));

    public async Task ReleaseAsync(CheckoutSession session, string attemptKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ReleaseAsync(connection, null, session, attemptKey, clock.GetUtcNow().UtcDateTime, cancellationToken);
    }

    /// <summary>Marks the attempt's session completed; false if the attempt is no longer the session's.</summary>
    public static async Task<bool> CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CheckoutSession session, string attemptKey, string paymentId, DateTime now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE checkout_sessions SET status = 'completed', payment_id = @paymentId, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND status = 'processing' AND attempt_key = @attemptKey
            """, new { id = session.Id, businessId = session.BusinessId, mode = session.Mode, attemptKey, paymentId, now }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Names the payment a session will complete, so the API can show it at once.</summary>
    public static Task AttachPaymentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string sessionId, string paymentId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE checkout_sessions SET payment_id = @paymentId WHERE id = @sessionId AND business_id = @businessId AND mode = @mode",
            new { paymentId, sessionId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
}
