using System.Net;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;
using Clientele.Tests.Subscriptions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;

namespace Clientele.Tests.Dashboard.Audit;

/// <summary>The audit log: every successful change by an API key or a dashboard user is one row — who, what, which object, from where — and only owners and admins read it.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class AuditLogTests(AppFixture app, BrowserFixture browser)
{
    private sealed record Row(string ActorKind, string ActorId, string ActorLabel, string Action, string? ObjectId, int Status, string? Ip);

    private static async Task<List<Row>> RowsAsync(string businessId, string mode = "test")
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return [.. await connection.QueryAsync<Row>(
            "SELECT actor_kind, actor_id, actor_label, action, object_id, status, host(ip) AS ip FROM audit_log WHERE business_id = @businessId AND mode = @mode ORDER BY id",
            new { businessId, mode })];
    }

    [Fact]
    public async Task An_api_key_change_is_recorded_with_the_key_the_operation_and_the_object_and_reads_and_refusals_are_not()
    {
        var business = await app.CreateBusinessAsync("Audit Api Co");
        var created = await business.Test.PostJsonAsync("/customers", new { name = "Ada Lovelace", email = DashboardTestData.UniqueEmail("ada") });
        var customer = created.Str("customer_id");
        await business.Test.PatchJsonAsync($"/customers/{customer}", new { name = "Ada King" });
        await business.Test.GetJsonAsync($"/customers/{customer}");
        await business.Test.PatchJsonAsync($"/customers/{customer}", new { email = "not-an-email" }, HttpStatusCode.UnprocessableEntity);

        var rows = await RowsAsync(business.Id);
        Assert.Collection(rows,
            row =>
            {
                Assert.Equal(("api_key", business.TestKey.Info.Id, "POST /customers", customer, 200), (row.ActorKind, row.ActorId, row.Action, row.ObjectId, row.Status));
                Assert.Equal($"{business.TestKey.Info.Name} ({business.TestKey.Info.DisplayHint})", row.ActorLabel);
                Assert.DoesNotContain(business.TestKey.Secret, row.ActorLabel, StringComparison.Ordinal);
                Assert.NotNull(row.Ip);
            },
            row => Assert.Equal(("PATCH /customers/{customer_id}", customer), (row.Action, row.ObjectId)));
        // The other mode's log is its own.
        Assert.Empty(await RowsAsync(business.Id, "live"));
    }

    [Fact]
    public async Task An_operation_answering_a_typed_union_names_the_object_it_created()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Audit Union Co"));
        var product = await driver.ProductAsync(1000, "Basic");
        var subscription = (await driver.SubscribeAsync(product)).Str("subscription_id");

        var row = Assert.Single(await RowsAsync(driver.Business.Id), r => r.Action == "POST /subscriptions");
        Assert.Equal(subscription, row.ObjectId);
    }

    [Fact]
    public async Task A_dashboard_change_is_recorded_with_the_person_and_a_switch_of_view_is_not()
    {
        var business = await app.CreateBusinessAsync("Audit Dashboard Co");
        var (owner, ownerEmail, ownerId) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        var invited = DashboardTestData.UniqueEmail("invited");
        var invite = await owner.PostFormAsync("/dashboard/team?handler=Invite", new Dictionary<string, string> { ["InviteEmail"] = invited, ["InviteRole"] = "viewer" });
        Assert.Equal(HttpStatusCode.Redirect, invite.Status);
        await owner.PostFormAsync("/dashboard/switch?handler=Mode", new Dictionary<string, string> { ["mode"] = "live", ["returnUrl"] = "/dashboard" });
        // Refused (an invalid address): nothing changed, nothing recorded.
        await owner.PostFormAsync("/dashboard/team?handler=Invite", new Dictionary<string, string> { ["InviteEmail"] = "nope", ["InviteRole"] = "viewer" });

        var row = Assert.Single(await RowsAsync(business.Id));
        Assert.Equal(("user", ownerId, ownerEmail, "POST /dashboard/team (Invite)", 302), (row.ActorKind, row.ActorId, row.ActorLabel, row.Action, row.Status));
        Assert.Empty(await RowsAsync(business.Id, "live"));
    }

    [Fact]
    public async Task Only_owners_and_admins_read_it_and_only_their_business()
    {
        var business = await app.CreateBusinessAsync("Audit Readers Co");
        var other = await app.CreateBusinessAsync("Audit Others Co");
        var mine = (await business.Test.PostJsonAsync("/customers", new { name = "Mine", email = DashboardTestData.UniqueEmail("mine") })).Str("customer_id");
        var theirs = (await other.Test.PostJsonAsync("/customers", new { name = "Theirs", email = DashboardTestData.UniqueEmail("theirs") })).Str("customer_id");

        foreach (var role in new[] { DashboardRole.Support, DashboardRole.Viewer })
        {
            var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, role);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/audit")).Status);
        }
        var (admin, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Admin);
        var page = await admin.GetAsync("/dashboard/audit");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(mine, page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs, page.Html, StringComparison.Ordinal);
        Assert.Contains("POST /customers", page.Text, StringComparison.Ordinal);

        // Filtered by an object that did nothing here: the empty state, not another business's rows.
        var filtered = await admin.GetAsync($"/dashboard/audit?objectId={theirs}");
        Assert.Contains("No changes match these filters", filtered.Text, StringComparison.Ordinal);
        var bad = await admin.GetAsync("/dashboard/audit?from=yesterday");
        Assert.Contains("from", bad.Text, StringComparison.Ordinal);
        Assert.Contains(mine, bad.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_cannot_be_edited_or_deleted()
    {
        var business = await app.CreateBusinessAsync("Audit Append Co");
        await business.Test.PostJsonAsync("/customers", new { name = "Ada", email = DashboardTestData.UniqueEmail("ada") });
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        foreach (var statement in new[] { "UPDATE audit_log SET actor_label = 'someone else' WHERE business_id = @id", "DELETE FROM audit_log WHERE business_id = @id" })
        {
            await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement, new { id = business.Id }));
        }
        Assert.Single(await RowsAsync(business.Id));
    }

    [Fact]
    public async Task The_page_in_a_browser_filters_by_who_and_pages_and_is_accessible()
    {
        var business = await app.CreateBusinessAsync("Audit Browser Co");
        for (var i = 0; i < 52; i++)
        {
            await business.Test.PostJsonAsync("/customers", new { name = $"Customer {i:D2}", email = DashboardTestData.UniqueEmail($"c{i}") });
        }
        var (ownerEmail, _, link) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Owner);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}{link}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard"));
        // A change of the owner's own, through the dashboard.
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}/dashboard/team");
        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync(DashboardTestData.UniqueEmail("helper"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Invitation sent." })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Dashboard" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Changes, newest first" });
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(51);
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync(ownerEmail);
        await Accessibility.AssertCleanAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Older changes" }).ClickAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(4);

        await page.GetByLabel("Who").SelectOptionAsync(new SelectOptionValue { Label = ownerEmail });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Assertions.Expect(table).ToContainTextAsync("POST /dashboard/team (Invite)");

        await page.GetByLabel("Who").SelectOptionAsync(new SelectOptionValue { Label = "Any API key" });
        await page.GetByLabel("What").FillAsync("no such operation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No changes match these filters" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
    }
}
