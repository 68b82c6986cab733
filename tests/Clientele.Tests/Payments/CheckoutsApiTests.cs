using System.Net;
using Clientele.Tests.Catalog;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Payments;

public sealed class CheckoutsApiTests(AppFixture app)
{
    [Fact]
    public async Task A_session_prices_the_cart_with_discounts_and_merges_repeated_products()
    {
        var business = await app.CreateBusinessAsync();
        var product = (await business.Test.PostJsonAsync("/products", new
        {
            name = "Discounted",
            tax_category = "saas",
            price = new { type = "one_time_price", currency = "USD", price = 999, discount = 15, purchasing_power_parity = false },
        })).Str("product_id");
        var session = await business.Test.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = product, quantity = 1 }, new { product_id = product, quantity = 2 } },
        });
        var checkout = new CheckoutDriver(app, business.Test);
        var page = await checkout.GetPageAsync(new Uri(session.Str("checkout_url")).AbsolutePath);
        // 3 × 9.99 = 29.97, less 15 % (4.4955, rounded half away from zero to 4.50) = 25.47
        Assert.Contains("$25.47", page, StringComparison.Ordinal);
        Assert.Null((await business.Test.GetJsonAsync($"/checkouts/{session.Str("session_id")}"))["payment_id"]);
    }

    [Theory]
    [InlineData("""{}""", "product_cart")]
    [InlineData("""{"product_cart":[]}""", "product_cart")]
    [InlineData("""{"product_cart":[{"quantity":1}]}""", "product_cart[0].product_id")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":0}]}""", "product_cart[0].quantity")]
    [InlineData("""{"product_cart":[{"product_id":"pdt_missing","quantity":1}]}""", "product_cart[0].product_id")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":1,"amount":5}]}""", "product_cart[0].amount")]
    [InlineData("""{"product_cart":[{"product_id":"RECURRING","quantity":1}]}""", "product_cart[0].product_id")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":1}],"customer":{"email":"nope"}}""", "customer.email")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":1}],"customer":{"customer_id":"cus_missing"}}""", "customer.customer_id")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":1}],"billing_address":{"country":"usa"}}""", "billing_address.country")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":1}],"return_url":"javascript:alert(1)"}""", "return_url")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":1}],"return_url":"http://evil.example/x"}""", "return_url")]
    [InlineData("""{"product_cart":[{"product_id":"PRODUCT","quantity":1}],"return_url":"https://u:p@evil.example/"}""", "return_url")]
    public async Task Each_bad_field_is_a_422_naming_it_and_no_session_is_made(string template, string field)
    {
        var business = await app.CreateBusinessAsync();
        var product = (await business.Test.PostJsonAsync("/products", ProductsApiTests.OneTime())).Str("product_id");
        var recurring = (await business.Test.PostJsonAsync("/products", ProductsApiTests.Recurring())).Str("product_id");
        var body = template.Replace("RECURRING", recurring, StringComparison.Ordinal).Replace("PRODUCT", product, StringComparison.Ordinal);

        var error = await business.Test.PostJsonAsync("/checkouts", body, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM checkout_sessions WHERE business_id = @id", new { id = business.Id }));
    }

    [Fact]
    public async Task Another_business_cannot_sell_this_business_products_or_read_its_sessions()
    {
        var owner = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var product = (await owner.Test.PostJsonAsync("/products", ProductsApiTests.OneTime())).Str("product_id");
        var session = await owner.Test.PostJsonAsync("/checkouts", new { product_cart = new[] { new { product_id = product, quantity = 1 } } });

        await stranger.Test.PostJsonAsync("/checkouts", new { product_cart = new[] { new { product_id = product, quantity = 1 } } }, HttpStatusCode.UnprocessableEntity);
        await owner.Live.PostJsonAsync("/checkouts", new { product_cart = new[] { new { product_id = product, quantity = 1 } } }, HttpStatusCode.UnprocessableEntity);
        await stranger.Test.GetJsonAsync($"/checkouts/{session.Str("session_id")}", HttpStatusCode.NotFound);
    }
}
