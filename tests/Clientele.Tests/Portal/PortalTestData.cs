using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Portal;

/// <summary>Shared steps of the portal tests: customers, links, signing in.</summary>
public static class PortalTestData
{
    public static string UniqueEmail(string label = "cust") => $"{label}-{Guid.NewGuid():N}@example.com";

    public static Task<JsonNode> CreateCustomerAsync(HttpClient api, string? email = null, string name = "Ada Lovelace") =>
        api.PostJsonAsync("/customers", new { name, email = email ?? UniqueEmail() });

    /// <summary>A dynamic link for the customer, as a path on the test server.</summary>
    public static async Task<string> DynamicLinkPathAsync(HttpClient api, string customerId, string query = "")
    {
        var response = await api.PostJsonAsync($"/customers/{customerId}/customer-portal/session{query}", "");
        return Mailbox.PathOf(response.Str("link"));
    }

    /// <summary>Opens a link the way a person does (GET, then the interstitial's POST); returns the response to the POST.</summary>
    public static async Task<Page> RedeemAsync(PortalClient client, string linkPath)
    {
        var interstitial = await client.GetAsync(linkPath);
        Assert.Equal(HttpStatusCode.OK, interstitial.Status);
        return await client.PostFormAsync(linkPath);
    }

    /// <summary>A signed-in browser-like client for a new customer of the business (test mode unless a live client is given).</summary>
    public static async Task<(PortalClient Client, string CustomerId, string Email)> SignedInAsync(AppFixture app, HttpClient api, string name = "Ada Lovelace")
    {
        var email = UniqueEmail();
        var customer = await CreateCustomerAsync(api, email, name);
        var client = new PortalClient(app.BaseAddress);
        var redeemed = await RedeemAsync(client, await DynamicLinkPathAsync(api, customer.Str("customer_id")));
        Assert.Equal(HttpStatusCode.Redirect, redeemed.Status);
        return (client, customer.Str("customer_id"), email);
    }
}
