using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Catalog;

public sealed class ProductsApiTests(AppFixture app)
{
    public static object OneTime(long price = 1500, string currency = "USD") => new
    {
        name = "Pro licence",
        tax_category = "saas",
        price = new { type = "one_time_price", currency, price, discount = 0, purchasing_power_parity = false },
    };

    public static object Recurring(long price = 900) => new
    {
        name = "Monthly plan",
        tax_category = "saas",
        price = new
        {
            type = "recurring_price",
            currency = "USD",
            price,
            discount = 0,
            purchasing_power_parity = false,
            payment_frequency_count = 1,
            payment_frequency_interval = "Month",
            subscription_period_count = 12,
            subscription_period_interval = "Month",
            trial_period_days = 7,
        },
    };

    [Fact]
    public async Task Create_one_time_and_recurring_products_in_the_reference_shape()
    {
        var business = await app.CreateBusinessAsync();

        var oneTime = await business.Test.PostJsonAsync("/products", new
        {
            name = "Desktop app",
            description = "Perpetual licence",
            tax_category = "digital_products",
            price = new { type = "one_time_price", currency = "JPY", price = 1200, discount = 10, purchasing_power_parity = false, pay_what_you_want = true, suggested_price = 1500 },
            license_key_enabled = true,
            license_key_activations_limit = 3,
            license_key_activation_message = "Thanks!",
            license_key_duration = new { count = 1, interval = "Year" },
            metadata = new { sku = "D-1" },
        });
        Assert.Matches("^pdt_[0-9A-Za-z]{24}$", oneTime.Str("product_id"));
        Assert.Equal(business.Id, oneTime.Str("business_id"));
        Assert.Equal(business.Id, oneTime.Str("brand_id"));
        Assert.False(oneTime["is_recurring"]!.GetValue<bool>());
        Assert.Equal("one_time_price", oneTime["price"]!.Str("type"));
        Assert.Equal(1200, oneTime["price"]!["price"]!.GetValue<long>());
        Assert.Equal(10, oneTime["price"]!["discount"]!.GetValue<int>());
        Assert.True(oneTime["license_key_enabled"]!.GetValue<bool>());
        Assert.Equal(3, oneTime["license_key_activations_limit"]!.GetValue<int>());
        Assert.Equal("Year", oneTime["license_key_duration"]!.Str("interval"));
        Assert.Empty(oneTime["entitlements"]!.AsArray());
        Assert.Empty(oneTime["credit_entitlements"]!.AsArray());
        Assert.Null(oneTime["product_collection_id"]);

        var recurring = await business.Test.PostJsonAsync("/products", Recurring());
        Assert.True(recurring["is_recurring"]!.GetValue<bool>());
        Assert.Equal("Month", recurring["price"]!.Str("payment_frequency_interval"));
        Assert.Equal(7, recurring["price"]!["trial_period_days"]!.GetValue<int>());

        var fetched = await business.Test.GetJsonAsync($"/products/{oneTime.Str("product_id")}");
        Assert.Equal(oneTime.ToJsonString(), fetched.ToJsonString());
    }

    [Fact]
    public async Task Usage_based_prices_are_accepted_with_their_meters()
    {
        var business = await app.CreateBusinessAsync();
        var product = await business.Test.PostJsonAsync("/products", new
        {
            name = "API calls",
            tax_category = "saas",
            price = new
            {
                type = "usage_based_price",
                currency = "EUR",
                fixed_price = 500,
                discount = 0,
                purchasing_power_parity = false,
                payment_frequency_count = 1,
                payment_frequency_interval = "Month",
                subscription_period_count = 1,
                subscription_period_interval = "Year",
                meters = new[] { new { meter_id = "mtr_abc", price_per_unit = "0.01" } },
            },
        });
        Assert.Equal(500, product["price"]!["fixed_price"]!.GetValue<long>());
        Assert.Equal("mtr_abc", product["price"]!["meters"]![0]!.Str("meter_id"));
    }

    [Theory]
    [InlineData("""{"tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1,"discount":0,"purchasing_power_parity":false}}""", "name")]
    [InlineData("""{"name":"X","price":{"type":"one_time_price","currency":"USD","price":1,"discount":0,"purchasing_power_parity":false}}""", "tax_category")]
    [InlineData("""{"name":"X","tax_category":"food","price":{"type":"one_time_price","currency":"USD","price":1,"discount":0,"purchasing_power_parity":false}}""", "tax_category")]
    [InlineData("""{"name":"X","tax_category":"saas"}""", "price")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"free","currency":"USD","price":1}}""", "price.type")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"usd","price":1}}""", "price.currency")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":-1}}""", "price.price")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1.5}}""", "price.price")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1,"discount":101}}""", "price.discount")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"recurring_price","currency":"USD","price":1,"payment_frequency_count":1,"payment_frequency_interval":"month","subscription_period_count":1,"subscription_period_interval":"Year"}}""", "price.payment_frequency_interval")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"recurring_price","currency":"USD","price":1,"payment_frequency_count":1,"payment_frequency_interval":"Month","subscription_period_interval":"Year"}}""", "price.subscription_period_count")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1},"license_key_activations_limit":-2}""", "license_key_activations_limit")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1},"license_key_duration":{"count":1,"interval":"Decade"}}""", "license_key_duration.interval")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1},"brand_id":"brnd_other"}""", "brand_id")]
    [InlineData("""{"name":"X","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1},"metadata":{"a":{"b":1}}}""", "metadata.a")]
    public async Task Each_bad_field_is_a_422_naming_it_and_nothing_is_written(string body, string field)
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.PostJsonAsync("/products", body, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("INVALID_REQUEST", error.Str("code"));
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM products WHERE business_id = @id", new { id = business.Id }));
    }

    [Fact]
    public async Task Patch_changes_given_fields_and_archive_hides_from_the_default_list()
    {
        var business = await app.CreateBusinessAsync();
        var product = await business.Test.PostJsonAsync("/products", OneTime());
        var id = product.Str("product_id");

        using (var patch = await business.Test.PatchAsync($"/products/{id}", Json.Content(new { name = "Renamed", price = new { type = "one_time_price", currency = "EUR", price = 2500, discount = 0, purchasing_power_parity = false } })))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        using (var empty = await business.Test.PatchAsync($"/products/{id}", Json.Content(new { })))
        {
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        }
        var patched = await business.Test.GetJsonAsync($"/products/{id}");
        Assert.Equal("Renamed", patched.Str("name"));
        Assert.Equal("EUR", patched["price"]!.Str("currency"));
        Assert.Equal(2500, patched["price"]!["price"]!.GetValue<long>());
        await business.Test.PatchJsonAsync($"/products/{id}", new { price = new { type = "one_time_price", currency = "XYZ", price = 1 } }, HttpStatusCode.UnprocessableEntity);

        using (var archive = await business.Test.DeleteAsync($"/products/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        }
        using (var again = await business.Test.DeleteAsync($"/products/{id}"))
        {
            Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        }
        Assert.DoesNotContain(id, Ids(await business.Test.GetJsonAsync("/products")));
        Assert.Contains(id, Ids(await business.Test.GetJsonAsync("/products?archived=true")));

        using (var unarchive = await business.Test.PostAsync($"/products/{id}/unarchive", null))
        {
            Assert.Equal(HttpStatusCode.OK, unarchive.StatusCode);
        }
        Assert.Contains(id, Ids(await business.Test.GetJsonAsync("/products")));
    }

    [Fact]
    public async Task List_filters_by_recurring_and_pages_newest_first()
    {
        var business = await app.CreateBusinessAsync();
        var a = (await business.Test.PostJsonAsync("/products", OneTime())).Str("product_id");
        var b = (await business.Test.PostJsonAsync("/products", Recurring())).Str("product_id");
        var c = (await business.Test.PostJsonAsync("/products", OneTime(700))).Str("product_id");

        Assert.Equal([c, b, a], Ids(await business.Test.GetJsonAsync("/products")));
        Assert.Equal([b], Ids(await business.Test.GetJsonAsync("/products?recurring=true")));
        Assert.Equal([c, a], Ids(await business.Test.GetJsonAsync("/products?recurring=false")));
        Assert.Equal([b], Ids(await business.Test.GetJsonAsync("/products?page_size=1&page_number=1")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/products?page_size=1&page_number=5")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/products?brand_id=brnd_nope")));
        var item = (await business.Test.GetJsonAsync("/products"))["items"]![0]!;
        Assert.Equal(700, item["price"]!.GetValue<long>());
        Assert.Equal("one_time_price", item["price_detail"]!.Str("type"));
        await business.Test.GetJsonAsync("/products?recurring=maybe", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Another_business_or_mode_gets_404()
    {
        var owner = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var id = (await owner.Test.PostJsonAsync("/products", OneTime())).Str("product_id");

        await stranger.Test.GetJsonAsync($"/products/{id}", HttpStatusCode.NotFound);
        await owner.Live.GetJsonAsync($"/products/{id}", HttpStatusCode.NotFound);
        await stranger.Test.PatchJsonAsync($"/products/{id}", new { name = "Mine" }, HttpStatusCode.NotFound);
        using var archive = await stranger.Test.DeleteAsync($"/products/{id}");
        Assert.Equal(HttpStatusCode.NotFound, archive.StatusCode);
        Assert.Empty(Ids(await stranger.Test.GetJsonAsync("/products")));
    }

    public static List<string> Ids(JsonNode page) => [.. page["items"]!.AsArray().Select(i => (i!["product_id"] ?? i["id"])!.GetValue<string>())];
}
