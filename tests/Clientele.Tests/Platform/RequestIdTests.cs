using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

public sealed class RequestIdTests(AppFixture app)
{
    [Fact]
    public async Task Responses_and_api_errors_carry_a_request_id_that_is_the_log_scope_of_the_request()
    {
        var business = await app.CreateBusinessAsync();
        using var ok = await business.Test.GetAsync("/customers", TestContext.Current.CancellationToken);
        using var notFound = await business.Test.GetAsync("/customers/cus_nobody", TestContext.Current.CancellationToken);
        using var anonymous = app.CreateAnonymousClient();
        using var unauthorized = await anonymous.GetAsync("/customers", TestContext.Current.CancellationToken);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized), (ok.StatusCode, notFound.StatusCode, unauthorized.StatusCode));

        var ids = new[] { ok, notFound, unauthorized }.Select(r => Assert.Single(r.Headers.GetValues("x-request-id"))).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrWhiteSpace(id)));
        Assert.Equal(3, ids.Distinct().Count());
        // ASP.NET Core opens a scope per request with this id; every line the request logs sits in it.
        var logs = app.Logs.Snapshot();
        Assert.All(ids, id => Assert.Contains(logs, line => line.Contains($"RequestId={id}", StringComparison.Ordinal)));
    }
}
