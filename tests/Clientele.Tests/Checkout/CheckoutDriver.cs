using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Tests.Catalog;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Checkout;

/// <summary>Drives the hosted payment page over HTTP like a browser without JavaScript: GET, read the antiforgery token, POST, follow redirects.</summary>
public sealed partial class CheckoutDriver(AppFixture app, HttpClient api)
{
    public const string Visa = "4242 4242 4242 4242";
    public const string Mastercard = "5555 5555 5555 4444";
    public const string Declined = "4000 0000 0000 0002";
    public const string InsufficientFunds = "4000 0000 0000 9995";
    public const string SucceedsOnce = "4000 0000 0000 0341";

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests look at them).</summary>
    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
    {
        BaseAddress = app.BaseAddress,
    };

    public async Task<string> ProductAsync(long price = 1500, string currency = "USD") =>
        (await api.PostJsonAsync("/products", ProductsApiTests.OneTime(price, currency))).Str("product_id");

    /// <summary>Creates a session for one product and returns (session id, page path).</summary>
    public async Task<(string SessionId, string Path)> SessionAsync(string productId, int quantity = 1, string? email = null, string? returnUrl = null)
    {
        var session = await api.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = productId, quantity } },
            customer = new { email = email ?? $"buyer-{Guid.NewGuid():N}@example.com", name = "Bea Buyer" },
            billing_address = new { country = "US" },
            return_url = returnUrl,
        });
        return (session.Str("session_id"), new Uri(session.Str("checkout_url")).AbsolutePath);
    }

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await Browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        return html;
    }

    /// <summary>Fills the card form and submits it; returns the raw response (a redirect or the page again).</summary>
    public async Task<HttpResponseMessage> PayAsync(string path, string card, string? expiry = null, string cvc = "123", Dictionary<string, string>? extra = null)
    {
        var html = await GetPageAsync(path);
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(html),
            ["cardNumber"] = card,
            ["expiry"] = expiry ?? TestCardDates.Expiry,
            ["cvc"] = cvc,
            ["CardholderName"] = "Bea Buyer",
        };
        foreach (var (key, value) in extra ?? [])
        {
            fields[key] = value;
        }
        return await Browser.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Pays and expects success: returns the payment as the API shows it.</summary>
    public async Task<JsonNode> PaySuccessfullyAsync(string path, string card = Visa)
    {
        using var response = await PayAsync(path, card);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"expected a redirect, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var receipt = await GetPageAsync(response.Headers.Location!.OriginalString);
        var paymentId = PaymentIdPattern().Match(receipt).Groups[1].Value;
        return await api.GetJsonAsync($"/payments/{paymentId}");
    }

    public static string Token(string html) => TokenPattern().Match(html) is { Success: true } match
        ? WebUtility.HtmlDecode(match.Groups[1].Value)
        : throw new InvalidOperationException("No antiforgery token on the page.");

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("id=\"payment-id\">(pay_[0-9A-Za-z]+)<")]
    private static partial Regex PaymentIdPattern();
}
