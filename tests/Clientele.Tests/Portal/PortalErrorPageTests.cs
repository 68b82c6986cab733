using Clientele.Features.Portal.Shell;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Tests.Portal;

public sealed class PortalErrorPageTests(AppFixture app)
{
    [Fact]
    public async Task A_failing_portal_page_answers_with_a_plain_page_and_no_details()
    {
        var builder = new ApplicationBuilder(app.Services);
        builder.UsePortalErrorPage();
        builder.Run(_ => throw new InvalidOperationException("internal detail"));
        var pipeline = builder.Build();
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new PageActionDescriptor()), "a portal page"));
        using var body = new MemoryStream();
        context.Response.Body = body;

        await pipeline(context);

        var html = System.Text.Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        Assert.StartsWith("text/html", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.DoesNotContain("internal detail", html, StringComparison.Ordinal);
    }
}
