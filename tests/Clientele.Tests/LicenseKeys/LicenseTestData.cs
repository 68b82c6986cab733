using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Clientele.Features.LicenseKeys;
using Clientele.Primitives;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.LicenseKeys;

/// <summary>Products with license keys, paid checkouts, imported keys and clients for the public endpoints.</summary>
public static class LicenseTestData
{
    /// <summary>The shape of an issued key: five groups of five Crockford base32 characters.</summary>
    public const string IssuedKeyPattern = "^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$";

    public static object LicensedProduct(int? limit = 2, object? duration = null, long price = 1500) => new
    {
        name = "Desktop licence",
        tax_category = "digital_products",
        price = new { type = "one_time_price", currency = "USD", price, discount = 0, purchasing_power_parity = false },
        license_key_enabled = true,
        license_key_activations_limit = limit,
        license_key_duration = duration,
    };

    public static async Task<string> LicensedProductAsync(HttpClient api, int? limit = 2, object? duration = null) =>
        (await api.PostJsonAsync("/products", LicensedProduct(limit, duration))).Str("product_id");

    /// <summary>Pays a checkout of these (product, quantity) lines with a good card; returns the payment.</summary>
    public static async Task<JsonNode> PayAsync(AppFixture app, HttpClient api, params (string ProductId, int Quantity)[] cart)
    {
        var session = await api.PostJsonAsync("/checkouts", new
        {
            product_cart = cart.Select(l => new { product_id = l.ProductId, quantity = l.Quantity }).ToArray(),
            customer = new { email = $"lic-{Guid.NewGuid():N}@example.com", name = "Lee Licensee" },
            billing_address = new { country = "US" },
        });
        return await new CheckoutDriver(app, api).PaySuccessfullyAsync(new Uri(session.Str("checkout_url")).AbsolutePath);
    }

    public static async Task<List<JsonNode>> KeysOfPaymentAsync(HttpClient api, JsonNode payment) =>
        [.. (await api.GetJsonAsync($"/license_keys?page_size=100&customer_id={payment["customer"]!.Str("customer_id")}"))["items"]!.AsArray()
            .Where(k => k!["payment_id"]?.GetValue<string>() == payment.Str("payment_id")).Select(k => k!)];

    /// <summary>A customer and a product of the tenant behind <paramref name="api"/>, and a key imported for them.</summary>
    public static async Task<(string Key, JsonNode LicenseKey)> ImportedKeyAsync(HttpClient api, int? limit = 3, string? expiresAt = null)
    {
        var customer = await api.PostJsonAsync("/customers", new { name = "Ivy Importer", email = $"ivy-{Guid.NewGuid():N}@example.com" });
        var product = await LicensedProductAsync(api, limit: null);
        var key = $"IMPORT-{Guid.NewGuid():N}";
        var created = await api.PostJsonAsync("/license_keys",
            new { customer_id = customer.Str("customer_id"), product_id = product, key, activations_limit = limit, expires_at = expiresAt }, HttpStatusCode.Created);
        return (key, created);
    }

    /// <summary>A client with no API key, connecting from its own 127.x.y.z address so per-IP limits are its own.</summary>
    public static HttpClient PublicClient(AppFixture app, IPAddress? source = null, string? bearer = null)
    {
        var address = source ?? UniqueLoopback();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }
        return client;
    }

    public static IPAddress UniqueLoopback() => new([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(2, 255)]);

    /// <summary>Runs a lifecycle hook the way the subscriptions engine does: inside its own transaction.</summary>
    public static async Task<T> InTransactionAsync<T>(AppFixture app, Func<LicenseKeyIssuer, NpgsqlConnection, NpgsqlTransaction, Task<T>> work)
    {
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await work(app.Services.GetRequiredService<LicenseKeyIssuer>(), connection, transaction);
        await transaction.CommitAsync();
        return result;
    }

    public static Tenant TestTenant(TestBusiness business) => new(business.Id, Mode.Test);

    public static NpgsqlConnection Database() => new(TestSettings.ConnectionString());
}
