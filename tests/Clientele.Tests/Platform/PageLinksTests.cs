using Clientele.Platform.Hosting;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Platform;

/// <summary>The kept page addresses (Platform/Hosting/PageLinks) against the link generator they replace.</summary>
public sealed class PageLinksTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("", "/Portal/Session/Overview")]
    [InlineData("/test", "/Portal/Session/Overview")]
    [InlineData("/test", "/Portal/Session/Logout")]
    [InlineData("/shop/clientele", "/Portal/Language")]
    [InlineData("/test", "/Portal/Unified/Businesses")]
    public void A_page_has_the_address_the_link_generator_gives_under_the_request_base(string pathBase, string page)
    {
        var links = app.Services.GetRequiredService<PageLinks>();
        var generator = app.Services.GetRequiredService<LinkGenerator>();
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.PathBase = pathBase;

        var expected = generator.GetPathByPage(context, page);
        Assert.NotNull(expected);
        Assert.StartsWith(pathBase + "/", expected);
        // Asked twice: the second answer comes from what the first kept.
        Assert.Equal(expected, links.For(context, page));
        Assert.Equal(expected, links.For(context, page));
    }

    [Fact]
    public void A_page_no_route_leads_to_is_an_error_not_an_empty_link()
    {
        var links = app.Services.GetRequiredService<PageLinks>();
        var error = Assert.Throws<InvalidOperationException>(() => links.For(new DefaultHttpContext(), "/Portal/Session/NoSuchPage"));
        Assert.Contains("/Portal/Session/NoSuchPage", error.Message);
    }
}
