using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Clientele.Tests.Portal;

/// <summary>The portal as a person uses it: the machine's Chromium, headless, at phone width, with scripts on.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class PortalBrowserTests(AppFixture app, ClockedAppFixture clocked, BrowserFixture browser)
{
    [Fact]
    public async Task Static_link_then_the_emailed_link_from_the_dev_mailbox_opens_the_portal()
    {
        var business = await app.CreateBusinessAsync("Browser Static Co");
        var email = PortalTestData.UniqueEmail("browser");
        await PortalTestData.CreateCustomerAsync(business.Test, email, "Brenda Browser");
        var links = await business.Test.GetJsonAsync("/customer-portal/links");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(links.Str("static_link_test"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Browser Static Co" })).ToBeVisibleAsync();
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-in link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();

        await Mailbox.WaitForAsync(app, email);
        await page.GotoAsync($"{app.BaseAddress}dev/mail?to={Uri.EscapeDataString(email)}");
        await page.Locator("a.mail-link").First.ClickAsync();

        // The interstitial continues by itself; the person lands in the portal.
        await page.WaitForURLAsync(new Regex("/test/session/overview$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Brenda Browser" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Test mode")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_dynamic_link_from_the_api_lands_in_the_portal_with_the_way_back()
    {
        var business = await app.CreateBusinessAsync("Browser Dyn Co");
        var id = (await PortalTestData.CreateCustomerAsync(business.Live, name: "Dina Dynamic")).Str("customer_id");
        var link = (await business.Live.PostJsonAsync($"/customers/{id}/customer-portal/session?return_url={Uri.EscapeDataString("https://dyn.example.com/account")}", "")).Str("link");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Dina Dynamic" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to Browser Dyn Co" })).ToHaveAttributeAsync("href", "https://dyn.example.com/account");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Profile" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("Dina Dynamic");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to Browser Dyn Co" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_used_link_and_an_expired_link_are_refused_kindly()
    {
        var business = await clocked.CreateBusinessAsync("Browser Clock Co");
        var id = (await PortalTestData.CreateCustomerAsync(business.Test)).Str("customer_id");
        var used = (await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session", "")).Str("link");
        var expiring = (await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session", "")).Str("link");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(used);
        await page.WaitForURLAsync(new Regex("/test/session/overview$"));

        await using var other = await browser.NewContextAsync();
        var second = await other.NewPageAsync();
        await second.GotoAsync(used);
        await Assertions.Expect(second.GetByRole(AriaRole.Heading, new() { Name = "This link was already used" })).ToBeVisibleAsync();

        clocked.TestClock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await second.GotoAsync(expiring);
        await Assertions.Expect(second.GetByRole(AriaRole.Heading, new() { Name = "This link has expired" })).ToBeVisibleAsync();
        await second.GetByRole(AriaRole.Link, new() { Name = "Send me a new link" }).ClickAsync();
        await Assertions.Expect(second.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Browser Clock Co" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task After_logout_the_back_button_shows_no_data()
    {
        var business = await app.CreateBusinessAsync("Browser Bye Co");
        var id = (await PortalTestData.CreateCustomerAsync(business.Test, name: "Lou Gout")).Str("customer_id");
        var link = (await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session", "")).Str("link");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/test/session/overview$"));
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Profile" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("Lou Gout");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();

        await page.GoBackAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        // The profile page was not cached: the browser asked again and, without a session, was sent away.
        await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("/session/profile$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();
        Assert.DoesNotContain("Lou Gout", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unified_portal_opens_two_businesses_from_one_email()
    {
        var email = PortalTestData.UniqueEmail("uni");
        var north = await app.CreateBusinessAsync("North Notebooks");
        var south = await app.CreateBusinessAsync("South Software");
        await PortalTestData.CreateCustomerAsync(north.Live, email, "Una North");
        await PortalTestData.CreateCustomerAsync(south.Live, email, "Una South");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.BaseAddress.ToString());
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-in link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();

        var link = Mailbox.LinkIn(await Mailbox.WaitForAsync(app, email));
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/businesses$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Open North Notebooks" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Una North" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "All my businesses" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open South Software" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Una South" })).ToBeVisibleAsync();
        Assert.Equal(1, await Mailbox.CountAsync(app, email));
    }

    [Fact]
    public async Task The_language_switcher_changes_and_remembers_the_language()
    {
        var business = await app.CreateBusinessAsync("Browser Lingua");
        var id = (await PortalTestData.CreateCustomerAsync(business.Test, name: "Lia")).Str("customer_id");
        var link = (await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session", "")).Str("link");

        await using var context = await browser.NewContextAsync(locale: "es-ES");
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hola, Lia" })).ToBeVisibleAsync();

        await page.GetByLabel("Idioma").SelectOptionAsync("it");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Benvenuto, Lia" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Profilo" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Salva modifiche" })).ToBeVisibleAsync();
        Assert.Equal("it", await page.Locator("html").GetAttributeAsync("lang"));
    }

    [Fact]
    public async Task The_language_switcher_waits_for_enter_when_walked_with_the_arrow_keys()
    {
        var business = await app.CreateBusinessAsync("Browser Keys");
        var id = (await PortalTestData.CreateCustomerAsync(business.Test, name: "Kai")).Str("customer_id");
        var link = (await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session", "")).Str("link");

        await using var context = await browser.NewContextAsync(locale: "en-US");
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Kai" })).ToBeVisibleAsync();

        var language = page.GetByRole(AriaRole.Combobox, new() { Name = "Language" });
        await language.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        // Two steps through the list change the selection but not the page.
        Assert.NotEqual("en", await language.InputValueAsync());
        await page.WaitForTimeoutAsync(500);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Kai" })).ToBeVisibleAsync();
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));

        var chosen = await language.InputValueAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync($"document.documentElement.lang === '{chosen}'");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Kai" })).Not.ToBeVisibleAsync();
    }
}
