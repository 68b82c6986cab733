using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Npgsql;

namespace Floor;

/// <summary>
/// The API floors of bench/api/run.sh: a wallet debit and the customer search, each doing the product's
/// database work with the product's statements, in the product's round trips and borrows: the API-key
/// lookup on its own borrow (as the product's middleware), the operation's statement on another, and for
/// the debit the audit row the product's audit trail appends after the answer is written (a third borrow).
/// Only the paths the bench drives: a debit without idempotency key (the product then runs its one
/// statement without an explicit transaction) and a name search.
/// </summary>
internal static class ApiFloor
{
    public static IEndpointRouteBuilder MapApiFloor(this IEndpointRouteBuilder app)
    {
        app.MapPost("/customers/{customer_id}/wallets/ledger-entries", DebitAsync);
        app.MapGet("/customers", SearchAsync);
        return app;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new UtcDateTimeConverter() },
    };

    private static async Task DebitAsync(string customer_id, HttpContext context, NpgsqlDataSource dataSource)
    {
        var cancellationToken = context.RequestAborted;
        if (await FindKeyAsync(context, dataSource) is not { } key)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var input = await JsonSerializer.DeserializeAsync<DebitRequest>(context.Request.Body, Json, cancellationToken);
        if (input is not { Amount: > 0, EntryType: "debit", IdempotencyKey: null } || input.Currency is not { Length: 3 } currency
            || !currency.All(char.IsAsciiLetterUpper) || input.Reason is { Length: > 500 })
        {
            // The floor serves only what the bench sends: a valid debit without idempotency key.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();

        // Features/Wallets/WalletLedger.cs, ApplyAsync: the event is rendered first, with markers where the balances go.
        var ticks = DateTime.UtcNow.Ticks;
        var now = new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
        var id = NewId("wlt");
        var marker = Guid.NewGuid().ToString("N");
        var (beforeMark, afterMark) = ($"before-{marker}", $"after-{marker}");
        var payload = JsonSerializer.Serialize(new WebhookEnvelope(key.BusinessId, WebhookType, now,
            new LedgerEventData(id, key.BusinessId, customer_id, currency, input.Amount, false, EventType, beforeMark, afterMark, reason, null, now, "CreditLedgerEntry")), Json);
        DebitRow? row;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            row = await connection.QuerySingleOrDefaultAsync<DebitRow>(new CommandDefinition(ApiSql.Debit, new
            {
                id,
                customerId = customer_id,
                currency,
                amount = input.Amount,
                eventType = EventType,
                reason,
                referenceObjectId = (string?)null,
                now,
                beforeMark = $"\"{beforeMark}\"",
                afterMark = $"\"{afterMark}\"",
                webhookEventId = NewId("evt"),
                webhookType = WebhookType,
                webhookPayload = payload,
                webhookCustomerId = customer_id,
                webhookNow = now,
                businessId = key.BusinessId,
                mode = key.Mode,
            }, cancellationToken: cancellationToken));
            if (row is null)
            {
                // Nothing changed; say why, as the product does (Features/Wallets/WalletStore.cs, CustomerExistsAsync).
                var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(PortalSql.CustomerExists,
                    new { customerId = customer_id, businessId = key.BusinessId, mode = key.Mode }, cancellationToken: cancellationToken));
                context.Response.StatusCode = exists ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound;
                return;
            }
        }
        await context.Response.WriteAsJsonAsync(new WalletResponse(row.CustomerId, row.Currency, row.AfterBalance, row.WalletCreatedAt, row.CreatedAt), Json, cancellationToken);

        // Platform/Audit/AuditTrail.cs, AuditTrailMiddleware: after a successful change by a known actor, one audit row,
        // on its own borrow, once the handler has written its answer (the response ends after it).
        // In its own transaction whose commit does not wait for the WAL flush, as the product's.
        await using var audit = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var auditTransaction = await audit.BeginTransactionAsync(CancellationToken.None);
        await audit.ExecuteAsync(new CommandDefinition(ApiSql.AppendAudit, new
        {
            businessId = key.BusinessId,
            mode = key.Mode,
            kind = "api_key",
            actorId = key.Id,
            label = key.Name.Length > 0 ? $"{key.Name} ({key.DisplayHint})" : key.DisplayHint,
            action = "POST /customers/{customer_id}/wallets/ledger-entries",
            objectId = customer_id,
            status = StatusCodes.Status200OK,
            ip = context.Connection.RemoteIpAddress?.ToString(),
            at = DateTime.UtcNow,
        }, auditTransaction, cancellationToken: CancellationToken.None));
        await auditTransaction.CommitAsync(CancellationToken.None);
    }

    private static async Task<IResult> SearchAsync(HttpContext context, NpgsqlDataSource dataSource)
    {
        var cancellationToken = context.RequestAborted;
        if (await FindKeyAsync(context, dataSource) is not { } key)
        {
            return Results.Unauthorized();
        }
        var name = context.Request.Query["name"].ToString().Trim();
        if (name.Length is 0 or > 200 || context.Request.Query.Count != 1)
        {
            // The floor serves only what the bench sends: a name search, first page of 10.
            return Results.BadRequest();
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Features/Customers/CustomerStore.cs, ListAsync: the product's parameter object, unused filters included.
        var rows = await connection.QueryAsync<CustomerRow>(new CommandDefinition(ApiSql.SearchByName, new
        {
            businessId = key.BusinessId,
            mode = key.Mode,
            email = (string?)null,
            namePattern = "%" + EscapeLike(name.ToLowerInvariant()) + "%",
            gte = (DateTime?)null,
            lte = (DateTime?)null,
            limit = 10,
            offset = 0L,
        }, cancellationToken: cancellationToken));
        return Results.Ok(new CustomerPage([.. rows.Select(ToResponse)]));
    }

    /// <summary>The product's API-key lookup (Platform/Auth/ApiKeyAuthentication.cs), on its own borrow given back before the operation.</summary>
    public static async Task<ApiKeyRow?> FindKeyAsync(HttpContext context, NpgsqlDataSource dataSource)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var key = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (key.Length != 51 || !(key.StartsWith("ck_test_", StringComparison.Ordinal) || key.StartsWith("ck_live_", StringComparison.Ordinal)))
        {
            return null;
        }
        var now = DateTime.UtcNow;
        await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(Sql.FindKey,
            new { hash = SHA256.HashData(Encoding.UTF8.GetBytes(key)), now, touchCutoff = now.AddMinutes(-1) }, cancellationToken: context.RequestAborted));
    }

    /// <summary>Features/Customers/Customer.cs, ToResponse.</summary>
    private static CustomerResponse ToResponse(CustomerRow customer)
    {
        using var metadata = JsonDocument.Parse(customer.Metadata);
        return new CustomerResponse(customer.Id, customer.BusinessId, customer.Name, customer.Email, customer.PhoneNumber, metadata.RootElement.Clone(), customer.CreatedAt);
    }

    private const string EventType = "merchant_adjustment";

    /// <summary>Features/Wallets/WalletLedger.cs, WebhookType: a merchant adjustment's event.</summary>
    private const string WebhookType = "credit.manual_adjustment";

    /// <summary>Primitives/Ids.cs, New: the prefix and 24 random base62 characters.</summary>
    private static string NewId(string prefix) =>
        prefix + "_" + RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 24);

    /// <summary>Features/Customers/CustomerStore.cs, EscapeLike.</summary>
    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private sealed record DebitRequest(long Amount, string? Currency, string? EntryType, string? Reason, string? IdempotencyKey);

    private sealed record WalletResponse(string CustomerId, string Currency, long Balance, DateTime CreatedAt, DateTime UpdatedAt);

    private sealed record WebhookEnvelope(string BusinessId, string Type, DateTime Timestamp, LedgerEventData Data);

    private sealed record LedgerEventData(string Id, string BusinessId, string CustomerId, string Currency, long Amount, bool IsCredit, string EventType,
        string BeforeBalance, string AfterBalance, string? Reason, string? ReferenceObjectId, DateTime CreatedAt, string PayloadType);

    private sealed record CustomerPage(IReadOnlyList<CustomerResponse> Items);

    /// <summary>The debit statement's row: the ledger entry (<c>e.*</c>) and the wallet's creation time.</summary>
    private sealed class DebitRow
    {
        public string Id { get; init; } = "";
        public string BusinessId { get; init; } = "";
        public string Mode { get; init; } = "";
        public string CustomerId { get; init; } = "";
        public string Currency { get; init; } = "";
        public long Amount { get; init; }
        public bool IsCredit { get; init; }
        public string EventType { get; init; } = "";
        public long BeforeBalance { get; init; }
        public long AfterBalance { get; init; }
        public string? Reason { get; init; }
        public string? ReferenceObjectId { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime WalletCreatedAt { get; init; }
    }
}

/// <summary>The API key as the product's lookup returns it.</summary>
internal sealed record ApiKeyRow(string Id, string BusinessId, string Mode, string Name, string DisplayHint);

/// <summary>The API floors' statements, copied verbatim from the product and composed the same way.</summary>
internal static class ApiSql
{
    /// <summary>Features/Webhooks/WebhookOutbox.cs, WebhookDraft.Ctes: the event and one pending delivery per endpoint that wants it.</summary>
    private static string WebhookCtes(string source, string payload) => $"""
        webhook_event AS (
            INSERT INTO webhook_events (id, business_id, mode, type, payload, customer_id, created_at)
            SELECT @webhookEventId, @businessId, @mode, @webhookType, {payload}, @webhookCustomerId, @webhookNow
            FROM {source}
            RETURNING id
        ),
        webhook_delivery AS (
            INSERT INTO webhook_deliveries (id, business_id, mode, event_id, endpoint_id, next_attempt_at, created_at)
            SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.business_id, e.mode, ev.id, e.id, @webhookNow, @webhookNow
            FROM webhook_event ev, webhook_endpoints e
            WHERE e.business_id = @businessId AND e.mode = @mode AND NOT e.disabled AND e.deleted_at IS NULL
              AND (cardinality(e.filter_types) = 0 OR @webhookType = ANY (e.filter_types))
        )
        """;

    /// <summary>Features/Wallets/WalletLedger.cs, EventCtes.</summary>
    private static readonly string EventCtes = WebhookCtes("e",
        "replace(replace(@webhookPayload, @beforeMark, e.before_balance::text), @afterMark, e.after_balance::text)");

    /// <summary>Features/Wallets/WalletLedger.cs, DebitSql: the guarded update, its ledger row and its webhook event, one statement.</summary>
    public static readonly string Debit = $"""
        WITH w AS (
            UPDATE wallets SET balance = balance - @amount, updated_at = @now
            WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId AND currency = @currency
              AND balance >= @amount
            RETURNING customer_id, currency, balance, created_at
        ),
        e AS (
            INSERT INTO wallet_ledger_entries (id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, reference_object_id, created_at)
            SELECT @id, @businessId, @mode, w.customer_id, w.currency, @amount, false, @eventType, w.balance + @amount, w.balance, @reason, @referenceObjectId, @now
            FROM w
            RETURNING {PortalSql.LedgerEntryColumns}
        ),
        {EventCtes}
        SELECT e.*, w.created_at AS wallet_created_at FROM e, w
        """;

    /// <summary>Platform/Audit/AuditLog.cs, AppendAsync.</summary>
    public const string AppendAudit = """
        SET LOCAL synchronous_commit = off;
        INSERT INTO audit_log (business_id, mode, actor_kind, actor_id, actor_label, action, object_id, status, ip, at)
        VALUES (@businessId, @mode, @kind, @actorId, @label, @action, @objectId, @status, CAST(@ip AS inet), @at)
        """;

    /// <summary>Features/Customers/CustomerStore.cs, ListAsync with the name filter only: the statement its StringBuilder makes.</summary>
    public const string SearchByName = "SELECT " + "id, business_id, mode, name, email, phone_number, metadata::text AS metadata, created_at, updated_at"
        + " FROM customers WHERE business_id = @businessId AND mode = @mode" + @" AND lower(name) LIKE @namePattern ESCAPE '\'"
        + " ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";
}
