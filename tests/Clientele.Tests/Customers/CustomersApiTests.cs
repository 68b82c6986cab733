using System.Net;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Customers;

public sealed class CustomersApiTests(AppFixture app)
{
    private static string NewEmail(string label = "c") => $"{label}-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task Create_returns_the_reference_shape()
    {
        var business = await app.CreateBusinessAsync();
        var email = NewEmail();

        var customer = await business.Test.PostJsonAsync("/customers", new
        {
            name = "  Ada Lovelace ",
            email,
            phone_number = "+44 20 7946 0958",
            metadata = new Dictionary<string, object> { ["plan"] = "pro", ["seats"] = 3, ["vip"] = true },
        });

        Assert.Matches("^cus_[0-9A-Za-z]{24}$", customer.Str("customer_id"));
        Assert.Equal(business.Id, customer.Str("business_id"));
        Assert.Equal("Ada Lovelace", customer.Str("name"));
        Assert.Equal(email, customer.Str("email"));
        Assert.Equal("+442079460958", customer.Str("phone_number"));
        Assert.Equal("pro", customer["metadata"]!["plan"]!.GetValue<string>());
        Assert.Equal(3, customer["metadata"]!["seats"]!.GetValue<int>());
        Assert.True(customer["metadata"]!["vip"]!.GetValue<bool>());
        Assert.EndsWith("Z", customer.Str("created_at"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_with_an_existing_email_returns_that_customer_unchanged()
    {
        var business = await app.CreateBusinessAsync();
        var email = NewEmail("Dup");
        var first = await business.Test.PostJsonAsync("/customers", new { name = "First", email });

        var second = await business.Test.PostJsonAsync("/customers", new { name = "Second", email = email.ToUpperInvariant(), phone_number = "+14155550100" });

        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(1, await CountCustomersAsync(business.Id, "test"));
    }

    [Fact]
    public async Task Concurrent_creates_with_one_email_make_one_customer()
    {
        var business = await app.CreateBusinessAsync();
        var email = NewEmail("race");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            business.Test.PostJsonAsync("/customers", new { name = $"Racer {i}", email })));

        Assert.Single(results.Select(r => r.Str("customer_id")).Distinct());
        Assert.Equal(1, await CountCustomersAsync(business.Id, "test"));
    }

    [Fact]
    public async Task Retrieve_returns_the_customer_and_404_for_unknown_ids()
    {
        var business = await app.CreateBusinessAsync();
        var created = await business.Test.PostJsonAsync("/customers", new { name = "Grace", email = NewEmail() });

        var fetched = await business.Test.GetJsonAsync($"/customers/{created.Str("customer_id")}");
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());

        var missing = await business.Test.GetJsonAsync("/customers/cus_000000000000000000000000", HttpStatusCode.NotFound);
        Assert.Equal("NOT_FOUND", missing.Str("code"));
        Assert.Contains("Customer", missing.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_updates_given_fields_and_null_phone_clears_it()
    {
        var business = await app.CreateBusinessAsync();
        var created = await business.Test.PostJsonAsync("/customers", new { name = "Old", email = NewEmail(), phone_number = "+14155550123", metadata = new { a = "1" } });
        var id = created.Str("customer_id");

        var renamed = await business.Test.PatchJsonAsync($"/customers/{id}", new { name = "New" });
        Assert.Equal("New", renamed.Str("name"));
        Assert.Equal("+14155550123", renamed.Str("phone_number"));
        Assert.Equal("1", renamed["metadata"]!["a"]!.GetValue<string>());

        var cleared = await business.Test.PatchJsonAsync($"/customers/{id}", "{\"phone_number\": null}");
        Assert.Null(cleared["phone_number"]);

        var newEmail = NewEmail("moved");
        var moved = await business.Test.PatchJsonAsync($"/customers/{id}", new { email = newEmail, metadata = new { b = 2 } });
        Assert.Equal(newEmail, moved.Str("email"));
        Assert.Equal(2, moved["metadata"]!["b"]!.GetValue<int>());
        Assert.Null(moved["metadata"]!["a"]);
    }

    [Fact]
    public async Task Empty_patch_is_a_no_op()
    {
        var business = await app.CreateBusinessAsync();
        var created = await business.Test.PostJsonAsync("/customers", new { name = "Same", email = NewEmail() });

        var patched = await business.Test.PatchJsonAsync($"/customers/{created.Str("customer_id")}", "{}");

        Assert.Equal(created.ToJsonString(), patched.ToJsonString());
    }

    [Fact]
    public async Task Patch_to_an_email_another_customer_uses_is_a_conflict()
    {
        var business = await app.CreateBusinessAsync();
        var taken = NewEmail("taken");
        await business.Test.PostJsonAsync("/customers", new { name = "Holder", email = taken });
        var other = await business.Test.PostJsonAsync("/customers", new { name = "Other", email = NewEmail() });

        using var response = await business.Test.PatchAsync($"/customers/{other.Str("customer_id")}", Json.Content(new { email = taken.ToUpperInvariant() }));
        var error = await Json.ReadAsync(response, HttpStatusCode.Conflict);

        Assert.Equal("EMAIL_IN_USE", error.Str("code"));
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        var unchanged = await business.Test.GetJsonAsync($"/customers/{other.Str("customer_id")}");
        Assert.Equal(other.Str("email"), unchanged.Str("email"));
    }

    [Fact]
    public async Task Patch_of_an_unknown_customer_is_404()
    {
        var business = await app.CreateBusinessAsync();
        var error = await business.Test.PatchJsonAsync("/customers/cus_000000000000000000000000", new { name = "X" }, HttpStatusCode.NotFound);
        Assert.Equal("NOT_FOUND", error.Str("code"));
    }

    private static async Task<long> CountCustomersAsync(string businessId, string mode)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM customers WHERE business_id = @businessId AND mode = @mode", new { businessId, mode });
    }
}
