using System.Net;
using System.Net.Http.Headers;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Clientele.Tests.Portal;

/// <summary>A browser that reaches a page that is not there gets a page in its language, with the status; an API client keeps JSON.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class ErrorPagesTests(AppFixture app, BrowserFixture browser)
{
    [Theory]
    [InlineData("test/session/no-such-page")]
    [InlineData("login/bus_doesnotexist")]
    [InlineData("checkout/cks_doesnotexist")]
    [InlineData("no/such/address")]
    public async Task A_browser_gets_a_localised_not_found_page(string path)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        request.Headers.AcceptLanguage.ParseAdd("it-IT");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"it\"", html);
        Assert.Contains("<h1>Pagina non trovata</h1>", html);
        Assert.Contains("Errore 404", html);
    }

    [Fact]
    public async Task An_api_client_still_gets_the_json_error()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "no/such/endpoint");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"NOT_FOUND\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_not_found_page_reads_well_to_a_screen_reader_in_light_and_dark()
    {
        await using var context = await browser.NewContextAsync(locale: "pt-BR");
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync($"{app.BaseAddress}test/session/no-such-page");

        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Página não encontrada" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
    }
}
