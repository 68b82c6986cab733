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

    [Theory]
    [InlineData("", "/Portal/Session/Subscription", "id", "sub_0123456789abcdef")]
    [InlineData("/test", "/Portal/Session/ChangePaymentMethod", "id", "sub_x")]
    [InlineData("/test", "/Portal/Session/Invoice", "paymentId", "pay_a b/c?d=é")]
    public void A_page_with_a_route_value_has_the_address_the_link_generator_gives(string pathBase, string page, string name, string value)
    {
        var links = app.Services.GetRequiredService<PageLinks>();
        var generator = app.Services.GetRequiredService<LinkGenerator>();
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.PathBase = pathBase;

        var expected = generator.GetPathByPage(context, page, values: new RouteValueDictionary { [name] = value });
        Assert.NotNull(expected);
        Assert.Equal(expected, links.For(context, page, name, value));
        Assert.Equal(expected, links.For(context, page, name, value));
    }

    [Fact]
    public void A_value_the_page_route_does_not_take_is_an_error_not_a_query_string()
    {
        var links = app.Services.GetRequiredService<PageLinks>();
        var error = Assert.Throws<InvalidOperationException>(() => links.For(new DefaultHttpContext(), "/Portal/Session/Overview", "id", "x"));
        Assert.Contains("id", error.Message);
    }

    [Fact]
    public void A_page_no_route_leads_to_is_an_error_not_an_empty_link()
    {
        var links = app.Services.GetRequiredService<PageLinks>();
        var error = Assert.Throws<InvalidOperationException>(() => links.For(new DefaultHttpContext(), "/Portal/Session/NoSuchPage"));
        Assert.Contains("/Portal/Session/NoSuchPage", error.Message);
    }
}
