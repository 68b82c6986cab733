using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Catalog;

public sealed class ProductCollectionsApiTests(AppFixture app)
{
    [Fact]
    public async Task Create_a_collection_with_ordered_groups_and_reorder_them()
    {
        var business = await app.CreateBusinessAsync();
        var basic = (await business.Test.PostJsonAsync("/products", ProductsApiTests.Recurring(500))).Str("product_id");
        var pro = (await business.Test.PostJsonAsync("/products", ProductsApiTests.Recurring(1500))).Str("product_id");
        var addon = (await business.Test.PostJsonAsync("/products", ProductsApiTests.OneTime())).Str("product_id");

        var collection = await business.Test.PostJsonAsync("/product-collections", new
        {
            name = "Plans",
            groups = new object[]
            {
                new { group_name = "Monthly", products = new[] { new { product_id = basic }, new { product_id = pro } } },
                new { group_name = "Extras", products = new[] { new { product_id = addon } } },
            },
            proration_billing_mode_on_upgrade = "prorated_immediately",
            effective_at_on_downgrade = "next_billing_date",
        });
        var id = collection.Str("id");
        Assert.StartsWith("pdc_", id, StringComparison.Ordinal);
        Assert.Equal(["Monthly", "Extras"], collection["groups"]!.AsArray().Select(g => g!.Str("group_name")));
        Assert.Equal([basic, pro], collection["groups"]![0]!["products"]!.AsArray().Select(p => p!.Str("product_id")));
        Assert.Equal("prorated_immediately", collection.Str("proration_billing_mode_on_upgrade"));
        Assert.Equal(id, (await business.Test.GetJsonAsync($"/products/{pro}")).Str("product_collection_id"));

        var groups = collection["groups"]!.AsArray().Select(g => g!.Str("group_id")).ToArray();
        await business.Test.PatchAsync($"/product-collections/{id}", Json.Content(new { group_order = new[] { groups[1], groups[0] }, name = "All plans" }));
        var reordered = await business.Test.GetJsonAsync($"/product-collections/{id}");
        Assert.Equal("All plans", reordered.Str("name"));
        Assert.Equal(["Extras", "Monthly"], reordered["groups"]!.AsArray().Select(g => g!.Str("group_name")));
        var list = await business.Test.GetJsonAsync("/product-collections");
        Assert.Equal(3, list["items"]![0]!["products_count"]!.GetValue<int>());

        await business.Test.PatchJsonAsync($"/product-collections/{id}", new { group_order = new[] { groups[0] } }, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_product_belongs_to_one_collection_only()
    {
        var business = await app.CreateBusinessAsync();
        var product = (await business.Test.PostJsonAsync("/products", ProductsApiTests.Recurring())).Str("product_id");
        await business.Test.PostJsonAsync("/product-collections", new { name = "First", groups = new[] { new { products = new[] { new { product_id = product } } } } });

        var conflict = await business.Test.PostJsonAsync("/product-collections",
            new { name = "Second", groups = new[] { new { products = new[] { new { product_id = product } } } } }, HttpStatusCode.Conflict);
        Assert.Equal("PRODUCT_IN_ANOTHER_COLLECTION", conflict.Str("code"));
        Assert.Single((await business.Test.GetJsonAsync("/product-collections"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Groups_and_items_can_be_added_and_removed()
    {
        var business = await app.CreateBusinessAsync();
        var a = (await business.Test.PostJsonAsync("/products", ProductsApiTests.Recurring())).Str("product_id");
        var b = (await business.Test.PostJsonAsync("/products", ProductsApiTests.Recurring())).Str("product_id");
        var id = (await business.Test.PostJsonAsync("/product-collections", new { name = "C", groups = Array.Empty<object>() })).Str("id");

        var group = await business.Test.PostJsonAsync($"/product-collections/{id}/groups", new { group_name = "G", products = new[] { new { product_id = a } } });
        var groupId = group.Str("group_id");
        var added = await business.Test.PostJsonAsync($"/product-collections/{id}/groups/{groupId}/items", new { products = new[] { new { product_id = b, status = false } } });
        Assert.Equal(b, added[0]!.Str("product_id"));
        Assert.False(added[0]!["status"]!.GetValue<bool>());

        using (var removeItem = await business.Test.DeleteAsync($"/product-collections/{id}/groups/{groupId}/items/{added[0]!.Str("id")}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removeItem.StatusCode);
        }
        Assert.Null((await business.Test.GetJsonAsync($"/products/{b}"))["product_collection_id"]);
        using (var removeGroup = await business.Test.DeleteAsync($"/product-collections/{id}/groups/{groupId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removeGroup.StatusCode);
        }
        Assert.Empty((await business.Test.GetJsonAsync($"/product-collections/{id}"))["groups"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"groups":[]}""", "name")]
    [InlineData("""{"name":"C"}""", "groups")]
    [InlineData("""{"name":"C","groups":[{"products":[{}]}]}""", "groups[0].products[0].product_id")]
    [InlineData("""{"name":"C","groups":[{"products":[{"product_id":"pdt_unknown"}]}]}""", "groups[0].products")]
    [InlineData("""{"name":"C","groups":[],"proration_billing_mode_on_upgrade":"sometimes"}""", "proration_billing_mode_on_upgrade")]
    public async Task Bad_collection_input_is_a_422_naming_the_field(string body, string field)
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.PostJsonAsync("/product-collections", body, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
        Assert.Empty((await business.Test.GetJsonAsync("/product-collections"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Another_business_cannot_see_or_use_a_collection_or_its_products()
    {
        var owner = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var product = (await owner.Test.PostJsonAsync("/products", ProductsApiTests.Recurring())).Str("product_id");
        var id = (await owner.Test.PostJsonAsync("/product-collections", new { name = "C", groups = Array.Empty<object>() })).Str("id");

        await stranger.Test.GetJsonAsync($"/product-collections/{id}", HttpStatusCode.NotFound);
        await owner.Live.GetJsonAsync($"/product-collections/{id}", HttpStatusCode.NotFound);
        await stranger.Test.PostJsonAsync($"/product-collections/{id}/groups", new { products = Array.Empty<object>() }, HttpStatusCode.NotFound);
        await stranger.Test.PostJsonAsync("/product-collections", new { name = "Steal", groups = new[] { new { products = new[] { new { product_id = product } } } } }, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Subscription_settings_have_the_documented_defaults_and_can_be_changed_per_mode()
    {
        var business = await app.CreateBusinessAsync();
        var defaults = await business.Test.GetJsonAsync("/settings/subscriptions");
        Assert.True(defaults["allow_multiple_subscriptions"]!.GetValue<bool>());
        Assert.False(defaults["allow_plan_changes"]!.GetValue<bool>());
        Assert.True(defaults["allow_customer_cancel"]!.GetValue<bool>());
        Assert.False(defaults["allow_customer_pause"]!.GetValue<bool>());
        Assert.Equal("prorated_immediately", defaults.Str("portal_proration_mode"));

        var changed = await business.Test.PatchJsonAsync("/settings/subscriptions", new { allow_plan_changes = true });
        Assert.True(changed["allow_plan_changes"]!.GetValue<bool>());
        Assert.True(changed["allow_customer_cancel"]!.GetValue<bool>());
        Assert.False((await business.Live.GetJsonAsync("/settings/subscriptions"))["allow_plan_changes"]!.GetValue<bool>());
        var error = await business.Test.PatchJsonAsync("/settings/subscriptions", new { allow_customer_pause = "yes" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("allow_customer_pause:", error.Str("message"), StringComparison.Ordinal);
    }
}
