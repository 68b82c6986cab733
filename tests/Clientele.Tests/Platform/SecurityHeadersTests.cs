using System.Net;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

/// <summary>Every HTML page carries the same security headers; API answers are not cached; cross-site form posts are refused.</summary>
public sealed class SecurityHeadersTests(AppFixture app)
{
    private static void AssertPageHeaders(HttpResponseMessage response)
    {
        var csp = string.Join(";", response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values : []);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task The_checkout_page_and_its_re_rendering_after_a_post_carry_the_security_headers()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync());

        using (var page = await checkout.Browser.GetAsync(path))
        {
            AssertPageHeaders(page);
        }
        using var declined = await checkout.PayAsync(path, CheckoutDriver.Declined);
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        AssertPageHeaders(declined);
    }

    [Fact]
    public async Task A_checkout_with_a_return_url_lets_its_form_redirect_there_and_nowhere_else()
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync(), returnUrl: "https://shop.example.com/thanks");
        using var page = await checkout.Browser.GetAsync(path);
        AssertPageHeaders(page);
        Assert.Contains("form-action 'self' https://shop.example.com;", string.Join(";", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Portal_pages_and_api_answers_are_never_cached()
    {
        var business = await app.CreateBusinessAsync();
        using var client = app.CreateAnonymousClient();
        using (var login = await client.GetAsync($"/test/login/{business.Id}"))
        {
            AssertPageHeaders(login);
        }
        using var api = await business.Test.GetAsync("/customers");
        Assert.True(api.Headers.CacheControl?.NoStore, "API JSON: Cache-Control: no-store");
        using var error = await business.Test.GetAsync("/customers/cus_nobody");
        Assert.True(error.Headers.CacheControl?.NoStore, "API errors: Cache-Control: no-store");
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    public async Task A_form_post_from_another_site_is_refused_even_with_a_valid_token(string header, string value)
    {
        var business = await app.CreateBusinessAsync();
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, path) = await checkout.SessionAsync(await checkout.ProductAsync());
        var html = await checkout.GetPageAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = CheckoutDriver.Token(html),
                ["cardNumber"] = CheckoutDriver.Visa,
                ["expiry"] = "12/39",
                ["cvc"] = "123",
                ["CardholderName"] = "Eve",
            }),
        };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await checkout.Browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        // The same post from the page's own origin goes through.
        using var same = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = CheckoutDriver.Token(html),
                ["cardNumber"] = CheckoutDriver.Visa,
                ["expiry"] = "12/39",
                ["cvc"] = "123",
                ["CardholderName"] = "Ada",
            }),
        };
        same.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        using var accepted = await checkout.Browser.SendAsync(same);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
    }
}
