using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Customers;

public sealed class CustomerListTests(AppFixture app)
{
    private static async Task<List<string>> CreateManyAsync(HttpClient client, int count, Func<int, object> body)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await client.PostJsonAsync("/customers", body(i))).Str("customer_id"));
        }
        return ids;
    }

    private static List<string> Ids(System.Text.Json.Nodes.JsonNode page) =>
        [.. page["items"]!.AsArray().Select(c => c!.Str("customer_id"))];

    [Fact]
    public async Task Lists_newest_first_with_default_page_size_10_and_an_empty_page_past_the_end()
    {
        var business = await app.CreateBusinessAsync();
        var ids = await CreateManyAsync(business.Test, 12, i => new { name = $"Person {i}", email = $"p{i}@example.com" });
        ids.Reverse();

        var first = await business.Test.GetJsonAsync("/customers");
        var second = await business.Test.GetJsonAsync("/customers?page_number=1");
        var past = await business.Test.GetJsonAsync("/customers?page_number=5");

        Assert.Equal(ids.Take(10), Ids(first));
        Assert.Equal(ids.Skip(10), Ids(second));
        Assert.Empty(past["items"]!.AsArray());
    }

    [Fact]
    public async Task Filters_by_email_exactly_and_case_insensitively()
    {
        var business = await app.CreateBusinessAsync();
        await CreateManyAsync(business.Test, 3, i => new { name = $"N{i}", email = $"Mixed.Case{i}@Example.com" });

        var exact = await business.Test.GetJsonAsync("/customers?email=mixed.case1%40example.COM");
        var partial = await business.Test.GetJsonAsync("/customers?email=mixed.case");

        Assert.Equal("Mixed.Case1@Example.com", Assert.Single(exact["items"]!.AsArray())!.Str("email"));
        Assert.Empty(partial["items"]!.AsArray());
    }

    [Fact]
    public async Task Filters_by_partial_name_case_insensitively_and_treats_wildcards_literally()
    {
        var business = await app.CreateBusinessAsync();
        await business.Test.PostJsonAsync("/customers", new { name = "Marie Curie", email = "marie@example.com" });
        await business.Test.PostJsonAsync("/customers", new { name = "Pierre CURIE", email = "pierre@example.com" });
        await business.Test.PostJsonAsync("/customers", new { name = "Ada 100% Lovelace", email = "ada@example.com" });

        var curies = await business.Test.GetJsonAsync("/customers?name=curi");
        var percent = await business.Test.GetJsonAsync("/customers?name=100%25");
        var wildcard = await business.Test.GetJsonAsync("/customers?name=%25");
        var underscore = await business.Test.GetJsonAsync("/customers?name=_");

        Assert.Equal(2, curies["items"]!.AsArray().Count);
        Assert.Single(percent["items"]!.AsArray());
        Assert.Single(wildcard["items"]!.AsArray());
        Assert.Empty(underscore["items"]!.AsArray());
    }

    [Fact]
    public async Task Filters_by_creation_time_inclusively()
    {
        var business = await app.CreateBusinessAsync();
        await CreateManyAsync(business.Test, 3, i => new { name = $"T{i}", email = $"t{i}@example.com" });
        var all = (await business.Test.GetJsonAsync("/customers"))["items"]!.AsArray();
        var middle = all[1]!.Str("created_at");

        var gte = await business.Test.GetJsonAsync($"/customers?created_at_gte={Uri.EscapeDataString(middle)}");
        var lte = await business.Test.GetJsonAsync($"/customers?created_at_lte={Uri.EscapeDataString(middle)}");
        var both = await business.Test.GetJsonAsync($"/customers?created_at_gte={Uri.EscapeDataString(middle)}&created_at_lte={Uri.EscapeDataString(middle)}");

        Assert.Equal(2, gte["items"]!.AsArray().Count);
        Assert.Equal(2, lte["items"]!.AsArray().Count);
        Assert.Equal(all[1]!.Str("customer_id"), Assert.Single(both["items"]!.AsArray())!.Str("customer_id"));
    }

    [Fact]
    public async Task Page_size_is_honoured_up_to_100()
    {
        var business = await app.CreateBusinessAsync();
        await CreateManyAsync(business.Test, 5, i => new { name = $"S{i}", email = $"s{i}@example.com" });

        Assert.Equal(2, (await business.Test.GetJsonAsync("/customers?page_size=2"))["items"]!.AsArray().Count);
        Assert.Equal(5, (await business.Test.GetJsonAsync("/customers?page_size=100"))["items"]!.AsArray().Count);
        await business.Test.GetJsonAsync("/customers?page_size=101", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Empty_query_values_count_as_absent()
    {
        var business = await app.CreateBusinessAsync();
        await business.Test.PostJsonAsync("/customers", new { name = "Only", email = "only@example.com" });

        var page = await business.Test.GetJsonAsync("/customers?email=&name=&page_number=&page_size=");

        Assert.Single(page["items"]!.AsArray());
    }
}
