using System.Globalization;
using System.Net;
using Clientele.Tests.Infrastructure;
using static Clientele.Tests.LicenseKeys.LicenseTestData;

namespace Clientele.Tests.LicenseKeys;

/// <summary>Expiry and rate limits, on a server whose clock the tests stop and move.</summary>
[Collection(LicenseClockCollection.Name)]
public sealed class LicenseClockTests(LicenseClockFixture app)
{
    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Issued_keys_expire_after_the_products_duration_counted_from_the_payment()
    {
        var paidAt = app.FreezeAtFreshMinute(days: 40);
        var business = await app.CreateBusinessAsync();
        var monthly = await LicensedProductAsync(business.Test, limit: null, duration: new { count = 1, interval = "Month" });
        var fortnight = await LicensedProductAsync(business.Test, limit: null, duration: new { count = 2, interval = "Week" });
        var forever = await LicensedProductAsync(business.Test, limit: null);
        var payment = await PayAsync(app, business.Test, (monthly, 2), (fortnight, 1), (forever, 1));
        var keys = await KeysOfPaymentAsync(business.Test, payment);

        Assert.All(keys.Where(k => k.Str("product_id") == monthly), k => Assert.Equal(Stamp(paidAt.AddMonths(1)), k.Str("expires_at")));
        Assert.Equal(Stamp(paidAt.AddDays(14)), keys.Single(k => k.Str("product_id") == fortnight).Str("expires_at"));
        Assert.Null(keys.Single(k => k.Str("product_id") == forever)["expires_at"]);

        var key = keys.First(k => k.Str("product_id") == monthly);
        using var client = PublicClient(app);
        var instance = await client.PostJsonAsync("/licenses/activate", new { license_key = key.Str("key"), name = "day one" }, HttpStatusCode.Created);

        app.TestClock.Advance(paidAt.AddMonths(1) - paidAt - TimeSpan.FromSeconds(1));
        Assert.True((await client.PostJsonAsync("/licenses/validate", new { license_key = key.Str("key"), license_key_instance_id = instance.Str("id") }))["valid"]!.GetValue<bool>());

        app.TestClock.Advance(TimeSpan.FromSeconds(1));
        var error = await client.PostJsonAsync("/licenses/activate", new { license_key = key.Str("key"), name = "too late" }, HttpStatusCode.Forbidden);
        Assert.Equal("LICENSE_KEY_INACTIVE", error.Str("code"));
        Assert.Contains("expired", error.Str("message"), StringComparison.Ordinal);
        Assert.False((await client.PostJsonAsync("/licenses/validate", new { license_key = key.Str("key"), license_key_instance_id = instance.Str("id") }))["valid"]!.GetValue<bool>());
        Assert.Equal("expired", (await business.Test.GetJsonAsync($"/license_keys/{key.Str("id")}")).Str("status"));
        var expired = (await business.Test.GetJsonAsync("/license_keys?status=expired"))["items"]!.AsArray().Select(k => k!.Str("id")).Order().ToList();
        Assert.Equal(keys.Where(k => k.Str("product_id") != forever).Select(k => k.Str("id")).Order().ToList(), expired);
        Assert.Equal([keys.Single(k => k.Str("product_id") == forever).Str("id")],
            (await business.Test.GetJsonAsync("/license_keys?status=active"))["items"]!.AsArray().Select(k => k!.Str("id")).ToList());

        // The merchant extends it: active again.
        var extended = await business.Test.PatchJsonAsync($"/license_keys/{key.Str("id")}", new { expires_at = Stamp(paidAt.AddYears(1)) });
        Assert.Equal("active", extended.Str("status"));
        await client.PostJsonAsync("/licenses/activate", new { license_key = key.Str("key"), name = "renewed" }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Requests_naming_one_key_beyond_its_limit_get_429_with_retry_after_until_the_window_turns()
    {
        app.FreezeAtFreshMinute(days: 45);
        var business = await app.CreateBusinessAsync();
        var (key, created) = await ImportedKeyAsync(business.Test);
        var (otherKey, _) = await ImportedKeyAsync(business.Test);

        // Each request from its own address, so only the per-key limit can bite.
        for (var i = 0; i < LicenseClockFixture.PerKeyLimit; i++)
        {
            using var client = PublicClient(app);
            await client.PostJsonAsync("/licenses/validate", new { license_key = key });
        }
        using (var client = PublicClient(app))
        {
            using var response = await client.PostAsync("/licenses/activate", Json.Content(new { license_key = key.ToLowerInvariant(), name = "flood" }));
            var error = await Json.ReadAsync(response, HttpStatusCode.TooManyRequests);
            Assert.Equal("RATE_LIMITED", error.Str("code"));
            Assert.Contains("license key", error.Str("message"), StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(55), response.Headers.RetryAfter!.Delta);
            Assert.True((await client.PostJsonAsync("/licenses/validate", new { license_key = otherKey }))["valid"]!.GetValue<bool>());
        }

        app.TestClock.Advance(TimeSpan.FromSeconds(55));
        using var later = PublicClient(app);
        await later.PostJsonAsync("/licenses/activate", new { license_key = key, name = "next minute" }, HttpStatusCode.Created);
        // The refused activation wrote nothing: only the one after the window is there.
        var instances = (await business.Test.GetJsonAsync($"/license_key_instances?license_key_id={created.Str("id")}"))["items"]!.AsArray();
        Assert.Equal("next minute", Assert.Single(instances)!.Str("name"));
    }

    [Fact]
    public async Task One_address_beyond_its_limit_gets_429_whatever_key_it_names()
    {
        app.FreezeAtFreshMinute(days: 50);
        var address = UniqueLoopback();
        using var client = PublicClient(app, address);
        for (var i = 0; i < LicenseClockFixture.PerIpLimit; i++)
        {
            Assert.False((await client.PostJsonAsync("/licenses/validate", new { license_key = $"GUESS-{i}-{Guid.NewGuid():N}" }))["valid"]!.GetValue<bool>());
        }

        using var response = await client.PostAsync("/licenses/deactivate", Json.Content(new { license_key = $"GUESS-{Guid.NewGuid():N}", license_key_instance_id = "lki_x" }));
        var error = await Json.ReadAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains("address", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(55), response.Headers.RetryAfter!.Delta);
        // Bad bodies count too, and are refused as over the limit rather than read.
        await client.PostJsonAsync("/licenses/validate", "{}", HttpStatusCode.TooManyRequests);

        using var neighbour = PublicClient(app);
        Assert.False((await neighbour.PostJsonAsync("/licenses/validate", new { license_key = "GUESS-neighbour" }))["valid"]!.GetValue<bool>());
    }
}
