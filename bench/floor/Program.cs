using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Floor;
using Npgsql;

// The floor of bench/portal/run.sh and bench/api/run.sh: the least an ASP.NET Core app with the product's
// Npgsql and Dapper needs to do for the same answers with the same database work. (a) /overview,
// /subscriptions, /wallets (Pages/): each portal page's statements, round trips and borrows, read with the
// product's session cookie, rendered as plain Razor pages. (b) /rows: a Razor page of 30 customer rows, one
// query (the first runs' floor, kept as a reference). (c) GET /customers/{id}: the product's API-key lookup
// (the same statement, by SHA-256 of the key, on its own borrow like the product's middleware) and the
// product's customer SELECT, answered as the same JSON. (d) ApiFloor.cs: a wallet debit and the customer
// search. Nothing the product could not do: no cache, no hand-prepared statements, the same pool settings
// (automatic preparation included).
DefaultTypeMap.MatchNamesWithUnderscores = true;

var builder = WebApplication.CreateBuilder(args);
var connectionString = new NpgsqlConnectionStringBuilder(builder.Configuration.GetConnectionString("Clientele")
    ?? throw new InvalidOperationException("ConnectionStrings:Clientele must be set"));
if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString.ConnectionString }.ContainsKey("Maximum Pool Size"))
{
    connectionString.MaxPoolSize = 30; // the product's default (Database:MaxPoolSize)
}
connectionString.NoResetOnClose = true; // as the product sets it (Platform/Data/DataServices.cs)
if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString.ConnectionString }.ContainsKey("SSL Mode")
    && (connectionString.Host == "localhost" || (System.Net.IPAddress.TryParse(connectionString.Host, out var address) && System.Net.IPAddress.IsLoopback(address))))
{
    connectionString.SslMode = SslMode.Disable; // as the product does for a PostgreSQL on this machine
}
if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString.ConnectionString }.ContainsKey("Max Auto Prepare"))
{
    connectionString.MaxAutoPrepare = 200; // the product's default (Database:MaxAutoPrepare)
}
builder.Services.AddSingleton(new NpgsqlDataSourceBuilder(connectionString.ConnectionString).Build());
builder.Services.AddRazorPages();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    options.SerializerOptions.Converters.Add(new UtcDateTimeConverter());
});

var app = builder.Build();
app.MapRazorPages();
app.MapApiFloor();
app.MapGet("/customers/{customer_id}", async (string customer_id, HttpContext context, NpgsqlDataSource dataSource) =>
{
    var cancellationToken = context.RequestAborted;
    var header = context.Request.Headers.Authorization.ToString();
    const string scheme = "Bearer ";
    var key = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
    if (key.Length != 51 || !(key.StartsWith("ck_test_", StringComparison.Ordinal) || key.StartsWith("ck_live_", StringComparison.Ordinal)))
    {
        return Results.Unauthorized();
    }
    var now = DateTime.UtcNow;
    (string Id, string BusinessId, string Mode, string Name, string DisplayHint) row;
    await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
    {
        row = await connection.QuerySingleOrDefaultAsync<(string, string, string, string, string)>(new CommandDefinition(Sql.FindKey,
            new { hash = SHA256.HashData(Encoding.UTF8.GetBytes(key)), now, touchCutoff = now.AddMinutes(-1) }, cancellationToken: cancellationToken));
    }
    if (row.BusinessId is null)
    {
        return Results.Unauthorized();
    }
    await using var customers = await dataSource.OpenConnectionAsync(cancellationToken);
    var customer = await customers.QuerySingleOrDefaultAsync<CustomerRow>(new CommandDefinition(Sql.FindCustomer,
        new { customerId = customer_id, businessId = row.BusinessId, mode = row.Mode }, cancellationToken: cancellationToken));
    if (customer is null)
    {
        return Results.NotFound();
    }
    using var metadata = JsonDocument.Parse(customer.Metadata);
    return Results.Ok(new CustomerResponse(customer.Id, customer.BusinessId, customer.Name, customer.Email, customer.PhoneNumber,
        metadata.RootElement.Clone(), customer.CreatedAt));
});
await app.RunAsync();

/// <summary>The product's statements, copied verbatim.</summary>
internal static class Sql
{
    /// <summary>Platform/Auth/ApiKeyAuthentication.cs, FindKeySql.</summary>
    public const string FindKey = """
        WITH k AS (SELECT id, business_id, mode, name, display_hint FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL),
        used AS (
            UPDATE api_keys a SET last_used_at = @now FROM k
            WHERE a.id = k.id AND (a.last_used_at IS NULL OR a.last_used_at <= @touchCutoff)
        )
        SELECT id, business_id, mode, name, display_hint FROM k
        """;

    /// <summary>Features/Customers/CustomerStore.cs, FindAsync (with Customer.Columns).</summary>
    public const string FindCustomer =
        "SELECT id, business_id, mode, name, email, phone_number, metadata::text AS metadata, created_at, updated_at FROM customers WHERE id = @customerId AND business_id = @businessId AND mode = @mode";

    /// <summary>The floor page's one query: 30 customers of a tenant, newest first (the product's list order and columns).</summary>
    public const string Rows =
        "SELECT id, business_id, mode, name, email, phone_number, metadata::text AS metadata, created_at, updated_at FROM customers WHERE business_id = @businessId AND mode = @mode ORDER BY created_at DESC, id DESC LIMIT 30";
}

internal sealed record CustomerRow(string Id, string BusinessId, string Mode, string Name, string Email, string? PhoneNumber, string Metadata, DateTime CreatedAt, DateTime UpdatedAt);

internal sealed record CustomerResponse(string CustomerId, string BusinessId, string Name, string Email, string? PhoneNumber, JsonElement Metadata, DateTime CreatedAt);

internal sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset().UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
