using System.Net;
using System.Net.Sockets;
using Clientele.Platform;
using Clientele.Tests.Catalog;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clientele.Tests.Platform;

/// <summary>
/// A server behind a TLS-terminating proxy: public base URLs are https, the proxy (127.0.0.2) speaks
/// plain http to the server and says <c>X-Forwarded-Proto: https</c>.
/// </summary>
public sealed class ProxyFixture : AppFixture, IAsyncLifetime
{
    public const string Proxy = "127.0.0.2";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:Clientele", TestSettings.ConnectionString() + ";Maximum Pool Size=5");
        builder.UseSetting("ForwardedHeaders:KnownProxies:0", Proxy);
    }

    public new async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var urls = Services.GetRequiredService<IOptions<PublicUrlOptions>>().Value;
        urls.Live = "https://portal.example";
        urls.Test = "https://portal.example/test";
    }
}

public sealed class ProxyTests(ProxyFixture app) : IClassFixture<ProxyFixture>
{
    /// <summary>A client from a given loopback address that sends X-Forwarded-Proto: https and keeps Secure cookies itself.</summary>
    private sealed class ProxiedClient : IDisposable
    {
        private readonly HttpClient http;
        private readonly Dictionary<string, string> cookies = [];

        public ProxiedClient(Uri baseAddress, string from)
        {
            var source = IPAddress.Parse(from);
            http = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = async (context, token) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            })
            { BaseAddress = baseAddress };
        }

        public List<string> SetCookies { get; } = [];

        public async Task<(HttpStatusCode Status, string Body, string? Location)> SendAsync(HttpMethod method, string path, Dictionary<string, string>? form = null)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            if (cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            if (form is not null)
            {
                request.Content = new FormUrlEncodedContent(form);
            }
            using var response = await http.SendAsync(request);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                SetCookies.Add(header);
                var pair = header.Split(';')[0].Split('=', 2);
                cookies[pair[0]] = pair[1];
            }
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.OriginalString);
        }

        public void Dispose() => http.Dispose();
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_portal_sign_in_works_with_host_prefixed_secure_cookies()
    {
        var business = await app.CreateBusinessAsync("Proxied Co");
        using var client = new ProxiedClient(app.BaseAddress, ProxyFixture.Proxy);

        var form = await client.SendAsync(HttpMethod.Get, $"/login/{business.Id}");
        Assert.True(form.Status == HttpStatusCode.OK, $"{(int)form.Status} {form.Body}");
        Assert.Contains(client.SetCookies, c => c.StartsWith("__Host-clientele_csrf=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        var sent = await client.SendAsync(HttpMethod.Post, $"/login/{business.Id}", new()
        {
            ["Email"] = PortalTestDataEmail(),
            ["__RequestVerificationToken"] = PortalClient.AntiforgeryToken(form.Body)!,
        });
        Assert.True(sent.Status == HttpStatusCode.OK, $"{(int)sent.Status} {sent.Body}");
        Assert.Contains("Check your inbox", WebUtility.HtmlDecode(sent.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_a_checkout_is_paid()
    {
        var business = await app.CreateBusinessAsync();
        var product = (await business.Test.PostJsonAsync("/products", ProductsApiTests.OneTime())).Str("product_id");
        var session = await business.Test.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = product, quantity = 1 } },
            customer = new { email = PortalTestDataEmail(), name = "Pro Xy" },
            billing_address = new { country = "US" },
        });
        var url = new Uri(session.Str("checkout_url"));
        Assert.Equal("https", url.Scheme);
        using var client = new ProxiedClient(app.BaseAddress, ProxyFixture.Proxy);

        var page = await client.SendAsync(HttpMethod.Get, url.AbsolutePath);
        Assert.True(page.Status == HttpStatusCode.OK, $"{(int)page.Status} {page.Body}");
        var paid = await client.SendAsync(HttpMethod.Post, url.AbsolutePath, new()
        {
            ["__RequestVerificationToken"] = CheckoutDriver.Token(page.Body),
            ["cardNumber"] = CheckoutDriver.Visa,
            ["expiry"] = "12/39",
            ["cvc"] = "123",
            ["CardholderName"] = "Pro Xy",
        });
        Assert.True(paid.Status == HttpStatusCode.Redirect, $"{(int)paid.Status} {paid.Body}");
        Assert.EndsWith("/receipt", paid.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_forwarded_scheme_from_an_untrusted_address_is_ignored()
    {
        var business = await app.CreateBusinessAsync();
        using var client = new ProxiedClient(app.BaseAddress, "127.0.0.3");
        var page = await client.SendAsync(HttpMethod.Get, $"/login/{business.Id}");
        // Still plain http: the page explains it is served over https only (never a 500) and sets no cookie.
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("https", page.Body, StringComparison.Ordinal);
        Assert.Empty(client.SetCookies);
    }

    private static string PortalTestDataEmail() => $"proxy-{Guid.NewGuid():N}@example.com";
}
