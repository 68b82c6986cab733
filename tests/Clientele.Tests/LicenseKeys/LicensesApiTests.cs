using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using static Clientele.Tests.LicenseKeys.LicenseTestData;

namespace Clientele.Tests.LicenseKeys;

/// <summary>The public /licenses/* endpoints a customer's software calls with nothing but the key.</summary>
public sealed class LicensesApiTests(AppFixture app)
{
    [Fact]
    public async Task Activate_validate_and_deactivate_an_issued_key()
    {
        var business = await app.CreateBusinessAsync();
        var product = await LicensedProductAsync(business.Test, limit: 1);
        var payment = await PayAsync(app, business.Test, (product, 1));
        var key = (await KeysOfPaymentAsync(business.Test, payment)).Single();
        using var client = PublicClient(app);

        // Typed by hand: another case and stray spaces still match.
        using var response = await client.PostAsync("/licenses/activate", Json.Content(new { license_key = $" {key.Str("key").ToLowerInvariant()} ", name = "Studio PC" }));
        var instance = await Json.ReadAsync(response, HttpStatusCode.Created);
        Assert.StartsWith("lki_", instance.Str("id"), StringComparison.Ordinal);
        Assert.Equal(key.Str("id"), instance.Str("license_key_id"));
        Assert.Equal(business.Id, instance.Str("business_id"));
        Assert.Equal("Studio PC", instance.Str("name"));
        Assert.Equal(product, instance["product"]!.Str("product_id"));
        Assert.Equal("Desktop licence", instance["product"]!.Str("name"));
        Assert.Equal(payment["customer"]!.Str("customer_id"), instance["customer"]!.Str("customer_id"));
        Assert.Equal(payment["customer"]!.Str("email"), instance["customer"]!.Str("email"));
        Assert.Equal("Lee Licensee", instance["customer"]!.Str("name"));
        Assert.Equal(1, (await business.Test.GetJsonAsync($"/license_keys/{key.Str("id")}"))["instances_count"]!.GetValue<int>());

        var valid = new { license_key = key.Str("key"), license_key_instance_id = instance.Str("id") };
        Assert.True((await client.PostJsonAsync("/licenses/validate", valid))["valid"]!.GetValue<bool>());
        Assert.True((await client.PostJsonAsync("/licenses/validate", new { license_key = key.Str("key") }))["valid"]!.GetValue<bool>());
        Assert.True((await client.PostJsonAsync("/licenses/validate", new { license_key = key.Str("key"), license_key_instance_id = (string?)null }))["valid"]!.GetValue<bool>());

        await client.PostJsonAsync("/licenses/activate", new { license_key = key.Str("key"), name = "Laptop" }, HttpStatusCode.UnprocessableEntity);

        using var deactivated = await client.PostAsync("/licenses/deactivate", Json.Content(valid));
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.Empty(await deactivated.Content.ReadAsByteArrayAsync());
        Assert.False((await client.PostJsonAsync("/licenses/validate", valid))["valid"]!.GetValue<bool>());
        await business.Test.GetJsonAsync($"/license_key_instances/{instance.Str("id")}", HttpStatusCode.NotFound);
        Assert.Equal(0, (await business.Test.GetJsonAsync($"/license_keys/{key.Str("id")}"))["instances_count"]!.GetValue<int>());

        // The seat is free again.
        await client.PostJsonAsync("/licenses/activate", new { license_key = key.Str("key"), name = "Laptop" }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Unknown_keys_are_404_on_activate_and_deactivate_and_invalid_on_validate()
    {
        using var client = PublicClient(app);
        var unknown = $"NOPE-{Guid.NewGuid():N}";
        var error = await client.PostJsonAsync("/licenses/activate", new { license_key = unknown, name = "x" }, HttpStatusCode.NotFound);
        Assert.Equal("NOT_FOUND", error.Str("code"));
        await client.PostJsonAsync("/licenses/deactivate", new { license_key = unknown, license_key_instance_id = "lki_x" }, HttpStatusCode.NotFound);
        Assert.False((await client.PostJsonAsync("/licenses/validate", new { license_key = unknown }))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_disabled_key_cannot_be_activated_and_is_not_valid_but_can_still_be_deactivated()
    {
        var business = await app.CreateBusinessAsync();
        var (key, created) = await ImportedKeyAsync(business.Test);
        using var client = PublicClient(app);
        var instance = await client.PostJsonAsync("/licenses/activate", new { license_key = key, name = "before" }, HttpStatusCode.Created);
        await business.Test.PatchJsonAsync($"/license_keys/{created.Str("id")}", new { disabled = true });

        using var refused = await client.PostAsync("/licenses/activate", Json.Content(new { license_key = key, name = "after" }));
        var error = await Json.ReadAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal("LICENSE_KEY_INACTIVE", error.Str("code"));
        Assert.Contains("disabled", error.Str("message"), StringComparison.Ordinal);
        Assert.False((await client.PostJsonAsync("/licenses/validate", new { license_key = key }))["valid"]!.GetValue<bool>());
        Assert.False((await client.PostJsonAsync("/licenses/validate", new { license_key = key, license_key_instance_id = instance.Str("id") }))["valid"]!.GetValue<bool>());

        using var freed = await client.PostAsync("/licenses/deactivate", Json.Content(new { license_key = key, license_key_instance_id = instance.Str("id") }));
        Assert.Equal(HttpStatusCode.OK, freed.StatusCode);
        Assert.Equal(0, (await business.Test.GetJsonAsync($"/license_keys/{created.Str("id")}"))["instances_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_instance_of_another_key_is_403_on_deactivate_and_invalid_on_validate()
    {
        var business = await app.CreateBusinessAsync();
        var (mine, _) = await ImportedKeyAsync(business.Test);
        var (theirs, theirKey) = await ImportedKeyAsync(business.Test);
        using var client = PublicClient(app);
        var foreign = await client.PostJsonAsync("/licenses/activate", new { license_key = theirs, name = "theirs" }, HttpStatusCode.Created);

        var error = await client.PostJsonAsync("/licenses/deactivate", new { license_key = mine, license_key_instance_id = foreign.Str("id") }, HttpStatusCode.Forbidden);
        Assert.Contains("license_key_instance_id:", error.Str("message"), StringComparison.Ordinal);
        await client.PostJsonAsync("/licenses/deactivate", new { license_key = mine, license_key_instance_id = "lki_missing" }, HttpStatusCode.Forbidden);
        Assert.False((await client.PostJsonAsync("/licenses/validate", new { license_key = mine, license_key_instance_id = foreign.Str("id") }))["valid"]!.GetValue<bool>());
        Assert.Equal(1, (await business.Test.GetJsonAsync($"/license_keys/{theirKey.Str("id")}"))["instances_count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/licenses/activate", """{"name":"pc"}""", "license_key")]
    [InlineData("/licenses/activate", """{"license_key":"K"}""", "name")]
    [InlineData("/licenses/activate", """{"license_key":"K","name":"   "}""", "name")]
    [InlineData("/licenses/activate", """{"license_key":5,"name":"pc"}""", "license_key")]
    [InlineData("/licenses/validate", """{}""", "license_key")]
    [InlineData("/licenses/validate", """{"license_key":"K","license_key_instance_id":12}""", "license_key_instance_id")]
    [InlineData("/licenses/deactivate", """{"license_key":"K"}""", "license_key_instance_id")]
    [InlineData("/licenses/deactivate", """{"license_key_instance_id":"lki_1"}""", "license_key")]
    public async Task A_bad_body_is_a_422_naming_the_field(string path, string body, string field)
    {
        using var client = PublicClient(app);
        var error = await client.PostJsonAsync(path, body, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(field + ":", error.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overlong_name_is_refused_and_writes_nothing()
    {
        var business = await app.CreateBusinessAsync();
        var (key, created) = await ImportedKeyAsync(business.Test);
        using var client = PublicClient(app);
        await client.PostJsonAsync("/licenses/activate", new { license_key = key, name = new string('n', 256) }, HttpStatusCode.UnprocessableEntity);
        await client.PostJsonAsync("/licenses/activate", "{\"license_key\": ", HttpStatusCode.BadRequest);
        Assert.Equal(0, (await business.Test.GetJsonAsync($"/license_keys/{created.Str("id")}"))["instances_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_bearer_header_is_ignored_whoever_it_names()
    {
        var business = await app.CreateBusinessAsync();
        var stranger = await app.CreateBusinessAsync();
        var (key, _) = await ImportedKeyAsync(business.Test);
        using var sdkLike = PublicClient(app, bearer: "My Bearer Token");
        using var otherTenant = PublicClient(app, bearer: stranger.LiveKey.Secret);

        await sdkLike.PostJsonAsync("/licenses/activate", new { license_key = key, name = "one" }, HttpStatusCode.Created);
        await otherTenant.PostJsonAsync("/licenses/activate", new { license_key = key, name = "two" }, HttpStatusCode.Created);
        Assert.True((await otherTenant.PostJsonAsync("/licenses/validate", new { license_key = key }))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Of_twenty_concurrent_activations_of_a_key_with_limit_five_exactly_five_succeed()
    {
        var business = await app.CreateBusinessAsync();
        var (key, created) = await ImportedKeyAsync(business.Test, limit: 5);
        var clients = Enumerable.Range(0, 20).Select(_ => PublicClient(app)).ToList();
        try
        {
            using var start = new SemaphoreSlim(0);
            var attempts = clients.Select(async (client, i) =>
            {
                await start.WaitAsync();
                using var response = await client.PostAsync("/licenses/activate", Json.Content(new { license_key = key, name = $"node {i}" }));
                return response.StatusCode;
            }).ToList();
            start.Release(attempts.Count);
            var statuses = await Task.WhenAll(attempts);

            Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Created));
            Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.UnprocessableEntity));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
        await using var connection = Database();
        var id = created.Str("id");
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM license_key_instances WHERE license_key_id = @id", new { id }));
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>("SELECT instances_count FROM license_keys WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task The_database_refuses_more_instances_than_the_limit()
    {
        var business = await app.CreateBusinessAsync();
        var (_, created) = await ImportedKeyAsync(business.Test, limit: 1);
        await using var connection = Database();
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => connection.ExecuteAsync(
            "UPDATE license_keys SET instances_count = 2 WHERE id = @id", new { id = created.Str("id") }));
        Assert.Equal("23514", error.SqlState); // check_violation
    }
}
