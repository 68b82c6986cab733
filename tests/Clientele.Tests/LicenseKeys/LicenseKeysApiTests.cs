using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Dapper;
using static Clientele.Tests.LicenseKeys.LicenseTestData;

namespace Clientele.Tests.LicenseKeys;

/// <summary>The merchant's API: /license_keys and /license_key_instances.</summary>
public sealed class LicenseKeysApiTests(AppFixture app)
{
    private static List<string> Ids(JsonNode page) => [.. page["items"]!.AsArray().Select(i => i!.Str("id"))];

    [Fact]
    public async Task Create_retrieve_update_and_list_an_imported_key()
    {
        var business = await app.CreateBusinessAsync();
        var customer = await business.Test.PostJsonAsync("/customers", new { name = "Kim", email = $"kim-{Guid.NewGuid():N}@example.com" });
        var product = await LicensedProductAsync(business.Test);
        var text = $"legacy-{Guid.NewGuid():N}";
        // Five years on from today, so the key is active whenever the suite runs.
        var expiresAt = new DateTime(DateTime.UtcNow.Year + 5, 5, 6, 7, 8, 9, DateTimeKind.Utc);

        using var response = await business.Test.PostAsync("/license_keys", Json.Content(new
        {
            customer_id = customer.Str("customer_id"),
            product_id = product,
            key = $"  {text} ",
            activations_limit = 4,
            expires_at = expiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        }));
        var created = await Json.ReadAsync(response, HttpStatusCode.Created);
        Assert.StartsWith("lic_", created.Str("id"), StringComparison.Ordinal);
        Assert.Equal(text, created.Str("key"));
        Assert.Equal("import", created.Str("source"));
        Assert.Equal("active", created.Str("status"));
        Assert.Equal(4, created["activations_limit"]!.GetValue<int>());
        Assert.Equal(expiresAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture), created.Str("expires_at"));
        Assert.Equal(0, created["instances_count"]!.GetValue<int>());
        Assert.Null(created["payment_id"]);
        Assert.Null(created["subscription_id"]);
        Assert.Equal(business.Id, created.Str("brand_id"));
        Assert.Equal(
            ["activations_limit", "brand_id", "business_id", "created_at", "customer_id", "expires_at", "id", "instances_count", "key", "payment_id", "product_id", "source", "status", "subscription_id"],
            created.AsObject().Select(p => p.Key).Order().ToList());

        var id = created.Str("id");
        Assert.Equal(text, (await business.Test.GetJsonAsync($"/license_keys/{id}")).Str("key"));

        var patched = await business.Test.PatchJsonAsync($"/license_keys/{id}", new { activations_limit = (int?)null, expires_at = (string?)null });
        Assert.Null(patched["activations_limit"]);
        Assert.Null(patched["expires_at"]);
        var disabled = await business.Test.PatchJsonAsync($"/license_keys/{id}", new { disabled = true });
        Assert.Equal("disabled", disabled.Str("status"));
        Assert.Null(disabled["activations_limit"]);
        Assert.Equal("disabled", (await business.Test.PatchJsonAsync($"/license_keys/{id}", new { })).Str("status"));
        Assert.Equal("active", (await business.Test.PatchJsonAsync($"/license_keys/{id}", new { disabled = false })).Str("status"));
        var past = await business.Test.PatchJsonAsync($"/license_keys/{id}", new { expires_at = "2020-01-01T00:00:00Z" });
        Assert.Equal("expired", past.Str("status"));

        Assert.Equal([id], Ids(await business.Test.GetJsonAsync($"/license_keys?customer_id={customer.Str("customer_id")}")));
        Assert.Equal([id], Ids(await business.Test.GetJsonAsync($"/license_keys?product_id={product}&source=import&status=expired")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/license_keys?status=active")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/license_keys?source=auto")));
    }

    [Fact]
    public async Task List_filters_pages_and_orders_newest_first()
    {
        var business = await app.CreateBusinessAsync();
        var (_, first) = await ImportedKeyAsync(business.Test);
        var (_, second) = await ImportedKeyAsync(business.Test);
        var (_, third) = await ImportedKeyAsync(business.Test);
        await business.Test.PatchJsonAsync($"/license_keys/{second.Str("id")}", new { disabled = true });

        Assert.Equal([third.Str("id"), second.Str("id"), first.Str("id")], Ids(await business.Test.GetJsonAsync("/license_keys")));
        Assert.Equal([second.Str("id")], Ids(await business.Test.GetJsonAsync("/license_keys?page_size=1&page_number=1")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/license_keys?page_size=1&page_number=3")));
        Assert.Equal([second.Str("id")], Ids(await business.Test.GetJsonAsync("/license_keys?status=disabled")));
        Assert.Equal([third.Str("id"), first.Str("id")], Ids(await business.Test.GetJsonAsync("/license_keys?status=active")));
        Assert.Equal([third.Str("id"), second.Str("id")],
            Ids(await business.Test.GetJsonAsync($"/license_keys?created_at_gte={Uri.EscapeDataString(second.Str("created_at"))}")));
        Assert.Equal([first.Str("id")],
            Ids(await business.Test.GetJsonAsync($"/license_keys?created_at_lte={Uri.EscapeDataString(first.Str("created_at"))}")));
    }

    [Theory]
    [InlineData("status=revoked", "status")]
    [InlineData("source=pirated", "source")]
    [InlineData("created_at_gte=yesterday", "created_at_gte")]
    [InlineData("created_at_lte=31/12/2025%2025:00", "created_at_lte")]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page_number=-1", "page_number")]
    public async Task A_bad_list_filter_is_a_422_naming_it(string query, string field)
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.GetJsonAsync($"/license_keys?{query}", HttpStatusCode.UnprocessableEntity);
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"product_id":"PRODUCT","key":"K-1"}""", "customer_id")]
    [InlineData("""{"customer_id":"CUSTOMER","key":"K-1"}""", "product_id")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT"}""", "key")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":"   "}""", "key")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":"bad\u0007key"}""", "key")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":42}""", "key")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":"K-1","activations_limit":-1}""", "activations_limit")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":"K-1","activations_limit":2.5}""", "activations_limit")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":"K-1","activations_limit":"5"}""", "activations_limit")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":"K-1","expires_at":"soon"}""", "expires_at")]
    [InlineData("""{"customer_id":"CUSTOMER","product_id":"PRODUCT","key":"K-1","expires_at":1700000000}""", "expires_at")]
    public async Task Each_bad_create_field_is_a_422_naming_it_and_nothing_is_written(string template, string field)
    {
        var business = await app.CreateBusinessAsync();
        var customer = await business.Test.PostJsonAsync("/customers", new { name = "Val", email = $"val-{Guid.NewGuid():N}@example.com" });
        var product = await LicensedProductAsync(business.Test);
        var body = template.Replace("CUSTOMER", customer.Str("customer_id"), StringComparison.Ordinal).Replace("PRODUCT", product, StringComparison.Ordinal);

        var error = await business.Test.PostJsonAsync("/license_keys", body, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("INVALID_REQUEST", error.Str("code"));
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/license_keys")));
    }

    [Fact]
    public async Task Create_answers_404_for_a_customer_or_product_of_another_tenant_and_409_for_a_known_key()
    {
        var business = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var (key, existing) = await ImportedKeyAsync(business.Test);
        var customer = existing.Str("customer_id");
        var product = existing.Str("product_id");
        var strangerProduct = await LicensedProductAsync(stranger.Test);
        var liveProduct = await LicensedProductAsync(business.Live);

        var noCustomer = await stranger.Test.PostJsonAsync("/license_keys", new { customer_id = customer, product_id = strangerProduct, key = "NEW-1" }, HttpStatusCode.NotFound);
        Assert.Equal("NOT_FOUND", noCustomer.Str("code"));
        Assert.Contains("Customer", noCustomer.Str("message"), StringComparison.Ordinal);
        var noProduct = await business.Test.PostJsonAsync("/license_keys", new { customer_id = customer, product_id = liveProduct, key = "NEW-2" }, HttpStatusCode.NotFound);
        Assert.Contains("Product", noProduct.Str("message"), StringComparison.Ordinal);

        using var duplicate = await business.Test.PostAsync("/license_keys", Json.Content(new { customer_id = customer, product_id = product, key = key.ToLowerInvariant() }));
        var conflict = await Json.ReadAsync(duplicate, HttpStatusCode.Conflict);
        Assert.Equal("LICENSE_KEY_EXISTS", conflict.Str("code"));
        Assert.Equal("false", duplicate.Headers.GetValues("x-should-retry").Single());
        // Key texts are unique everywhere, because the public endpoints find a key by its text alone.
        var strangerCustomer = (await stranger.Test.PostJsonAsync("/customers", new { name = "S", email = $"s-{Guid.NewGuid():N}@example.com" })).Str("customer_id");
        await stranger.Test.PostJsonAsync("/license_keys", new { customer_id = strangerCustomer, product_id = strangerProduct, key }, HttpStatusCode.Conflict);
        Assert.Single(Ids(await business.Test.GetJsonAsync("/license_keys")));
    }

    [Fact]
    public async Task Another_business_or_mode_gets_404_and_sees_nothing()
    {
        var business = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var (key, created) = await ImportedKeyAsync(business.Test);
        var id = created.Str("id");
        using var client = PublicClient(app);
        var instance = await client.PostJsonAsync("/licenses/activate", new { license_key = key, name = "box" }, HttpStatusCode.Created);
        var instanceId = instance.Str("id");

        foreach (var other in new[] { stranger.Test, business.Live })
        {
            await other.GetJsonAsync($"/license_keys/{id}", HttpStatusCode.NotFound);
            await other.PatchJsonAsync($"/license_keys/{id}", new { disabled = true }, HttpStatusCode.NotFound);
            await other.GetJsonAsync($"/license_key_instances/{instanceId}", HttpStatusCode.NotFound);
            await other.PatchJsonAsync($"/license_key_instances/{instanceId}", new { name = "stolen" }, HttpStatusCode.NotFound);
            Assert.Empty(Ids(await other.GetJsonAsync("/license_keys")));
            Assert.Empty(Ids(await other.GetJsonAsync($"/license_key_instances?license_key_id={id}")));
        }
        Assert.Equal("active", (await business.Test.GetJsonAsync($"/license_keys/{id}")).Str("status"));
        Assert.Equal("box", (await business.Test.GetJsonAsync($"/license_key_instances/{instanceId}")).Str("name"));
        await business.Test.GetJsonAsync("/license_keys/lic_doesnotexist", HttpStatusCode.NotFound);

        using var anonymous = app.CreateAnonymousClient();
        using var unauthorized = await anonymous.GetAsync("/license_keys");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Lowering_the_limit_below_the_current_activations_is_a_422_and_changes_nothing()
    {
        var business = await app.CreateBusinessAsync();
        var (key, created) = await ImportedKeyAsync(business.Test, limit: 5);
        using var client = PublicClient(app);
        for (var i = 0; i < 3; i++)
        {
            await client.PostJsonAsync("/licenses/activate", new { license_key = key, name = $"machine {i}" }, HttpStatusCode.Created);
        }
        var id = created.Str("id");

        var error = await business.Test.PatchJsonAsync($"/license_keys/{id}", new { activations_limit = 2, disabled = true }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("ACTIVATIONS_LIMIT_BELOW_INSTANCES", error.Str("code"));
        Assert.Contains("activations_limit:", error.Str("message"), StringComparison.Ordinal);
        var unchanged = await business.Test.GetJsonAsync($"/license_keys/{id}");
        Assert.Equal(5, unchanged["activations_limit"]!.GetValue<int>());
        Assert.Equal("active", unchanged.Str("status"));
        Assert.Equal(3, unchanged["instances_count"]!.GetValue<int>());

        Assert.Equal(3, (await business.Test.PatchJsonAsync($"/license_keys/{id}", new { activations_limit = 3 }))["activations_limit"]!.GetValue<int>());
        await client.PostJsonAsync("/licenses/activate", new { license_key = key, name = "one too many" }, HttpStatusCode.UnprocessableEntity);
    }

    [Theory]
    [InlineData("""{"activations_limit":-2}""", "activations_limit")]
    [InlineData("""{"activations_limit":3000000000}""", "activations_limit")]
    [InlineData("""{"activations_limit":"ten"}""", "activations_limit")]
    [InlineData("""{"disabled":"yes"}""", "disabled")]
    [InlineData("""{"expires_at":"next year"}""", "expires_at")]
    [InlineData("""{"expires_at":true}""", "expires_at")]
    public async Task Each_bad_patch_field_is_a_422_naming_it(string body, string field)
    {
        var business = await app.CreateBusinessAsync();
        var (_, created) = await ImportedKeyAsync(business.Test);
        var error = await business.Test.PatchJsonAsync($"/license_keys/{created.Str("id")}", body, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(created.ToJsonString(), (await business.Test.GetJsonAsync($"/license_keys/{created.Str("id")}")).ToJsonString());
    }

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.PostJsonAsync("/license_keys", "{\"key\": ", HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_JSON", error.Str("code"));
    }

    [Fact]
    public async Task Instances_are_listed_by_key_retrieved_and_renamed()
    {
        var business = await app.CreateBusinessAsync();
        var (key, created) = await ImportedKeyAsync(business.Test);
        var (otherKey, _) = await ImportedKeyAsync(business.Test);
        using var client = PublicClient(app);
        var first = await client.PostJsonAsync("/licenses/activate", new { license_key = key, name = "laptop" }, HttpStatusCode.Created);
        var second = await client.PostJsonAsync("/licenses/activate", new { license_key = key, name = "desktop" }, HttpStatusCode.Created);
        var elsewhere = await client.PostJsonAsync("/licenses/activate", new { license_key = otherKey, name = "server" }, HttpStatusCode.Created);

        Assert.Equal([second.Str("id"), first.Str("id")], Ids(await business.Test.GetJsonAsync($"/license_key_instances?license_key_id={created.Str("id")}")));
        Assert.Equal([elsewhere.Str("id"), second.Str("id"), first.Str("id")], Ids(await business.Test.GetJsonAsync("/license_key_instances")));
        Assert.Equal([first.Str("id")], Ids(await business.Test.GetJsonAsync($"/license_key_instances?license_key_id={created.Str("id")}&page_size=1&page_number=1")));
        Assert.Empty(Ids(await business.Test.GetJsonAsync("/license_key_instances?grant_id=grant_1")));

        var fetched = await business.Test.GetJsonAsync($"/license_key_instances/{first.Str("id")}");
        Assert.Equal(["business_id", "created_at", "id", "license_key_id", "name"], fetched.AsObject().Select(p => p.Key).Order().ToList());
        Assert.Equal(created.Str("id"), fetched.Str("license_key_id"));

        var renamed = await business.Test.PatchJsonAsync($"/license_key_instances/{first.Str("id")}", new { name = "  work laptop " });
        Assert.Equal("work laptop", renamed.Str("name"));
        Assert.Equal("work laptop", (await business.Test.PatchJsonAsync($"/license_key_instances/{first.Str("id")}", new { })).Str("name"));
        foreach (var bad in new[] { """{"name":""}""", """{"name":null}""", """{"name":7}""", $$"""{"name":"{{new string('x', 256)}}"}""" })
        {
            var error = await business.Test.PatchJsonAsync($"/license_key_instances/{first.Str("id")}", bad, HttpStatusCode.UnprocessableEntity);
            Assert.Contains("name:", error.Str("message"), StringComparison.Ordinal);
        }
        Assert.Equal("work laptop", (await business.Test.GetJsonAsync($"/license_key_instances/{first.Str("id")}")).Str("name"));
        await business.Test.GetJsonAsync("/license_key_instances/lki_unknown", HttpStatusCode.NotFound);
        await business.Test.GetJsonAsync("/license_key_instances?page_size=0", HttpStatusCode.UnprocessableEntity);

        await using var connection = Database();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT instances_count FROM license_keys WHERE id = @id", new { id = created.Str("id") }));
    }
}
