using Clientele.Features.Dashboard.Customers;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Dashboard.Customers;

/// <summary>Edit columns and saved views are remembered per person, business and mode.</summary>
public sealed class ColumnsAndViewsTests(AppFixture app)
{
    private ColumnPreferences Preferences => app.Services.GetRequiredService<ColumnPreferences>();

    private SavedViews Views => app.Services.GetRequiredService<SavedViews>();

    private static CustomerListQuery Query(string queryString) =>
        Assert.IsType<CustomerListQueryOutcome.Parsed>(CustomerListQuery.Parse(queryString)).Query;

    [Fact]
    public async Task Columns_shown_hidden_and_reordered_are_remembered_per_person()
    {
        var tenant = new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test);
        var ada = Guid.NewGuid().ToString();
        var grace = Guid.NewGuid().ToString();
        Assert.Equal(CustomerColumns.Default, await Preferences.GetAsync(tenant, ada, CancellationToken.None));

        var saved = await Preferences.SaveAsync(tenant, ada, ["total_spent", "name", "email"], CancellationToken.None);
        Assert.Equal([CustomerColumn.TotalSpent, CustomerColumn.Name, CustomerColumn.Email], Assert.IsType<SaveColumnsOutcome.Saved>(saved).Columns);
        Assert.Equal([CustomerColumn.TotalSpent, CustomerColumn.Name, CustomerColumn.Email], await Preferences.GetAsync(tenant, ada, CancellationToken.None));
        Assert.Equal(CustomerColumns.Default, await Preferences.GetAsync(tenant, grace, CancellationToken.None));
        Assert.Equal(CustomerColumns.Default, await Preferences.GetAsync(tenant with { Mode = Mode.Live }, ada, CancellationToken.None));

        await Preferences.SaveAsync(tenant, ada, [CustomerColumn.Email, CustomerColumn.LastPayment], CancellationToken.None);
        Assert.Equal([CustomerColumn.Email, CustomerColumn.LastPayment], await Preferences.GetAsync(tenant, ada, CancellationToken.None));

        // A URL that names columns wins over the preference (a shared link shows what its sender saw).
        Assert.Equal([CustomerColumn.Phone], await Preferences.ResolveAsync(tenant, ada, Query("columns=phone"), CancellationToken.None));
        Assert.Equal([CustomerColumn.Email, CustomerColumn.LastPayment], await Preferences.ResolveAsync(tenant, ada, Query(""), CancellationToken.None));

        await Preferences.ResetAsync(tenant, ada, CancellationToken.None);
        Assert.Equal(CustomerColumns.Default, await Preferences.GetAsync(tenant, ada, CancellationToken.None));
    }

    [Theory]
    [InlineData("name,secret")]
    [InlineData("name,name")]
    [InlineData("")]
    public async Task Unknown_repeated_or_no_columns_are_refused_and_change_nothing(string list)
    {
        var keys = list.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var tenant = new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test);
        var user = Guid.NewGuid().ToString();
        await Preferences.SaveAsync(tenant, user, ["email"], CancellationToken.None);

        Assert.IsType<SaveColumnsOutcome.Invalid>(await Preferences.SaveAsync(tenant, user, keys, CancellationToken.None));
        Assert.Equal([CustomerColumn.Email], await Preferences.GetAsync(tenant, user, CancellationToken.None));
    }

    [Fact]
    public async Task A_saved_view_keeps_the_search_and_filters_on_page_one_and_opens_as_a_link()
    {
        var tenant = new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test);
        var user = Guid.NewGuid().ToString();
        var query = Query("q=ada&subscription=active&sort=name&page=7&page_size=50&columns=name,email");

        var saved = Assert.IsType<SaveViewOutcome.Saved>(await Views.SaveAsync(tenant, user, "  Active Adas ", query, CancellationToken.None)).View;
        Assert.Equal("Active Adas", saved.Name);
        Assert.Equal("?q=ada&subscription=active&sort=name&page_size=50&columns=name,email", saved.QueryString);
        Assert.Equal(query.FirstPage, Query(saved.QueryString));

        var views = await Views.ListAsync(tenant, user, CancellationToken.None);
        Assert.Equal([saved.Id], views.Select(v => v.Id));
        Assert.Empty(await Views.ListAsync(tenant, Guid.NewGuid().ToString(), CancellationToken.None));
        Assert.Empty(await Views.ListAsync(new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test), user, CancellationToken.None));
    }

    [Fact]
    public async Task View_names_are_unique_per_person_in_any_case_and_must_not_be_blank()
    {
        var tenant = new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test);
        var user = Guid.NewGuid().ToString();
        Assert.IsType<SaveViewOutcome.Saved>(await Views.SaveAsync(tenant, user, "VIP", Query(""), CancellationToken.None));

        Assert.IsType<SaveViewOutcome.NameTaken>(await Views.SaveAsync(tenant, user, "vip", Query("q=x"), CancellationToken.None));
        Assert.IsType<SaveViewOutcome.InvalidName>(await Views.SaveAsync(tenant, user, "   ", Query(""), CancellationToken.None));
        Assert.IsType<SaveViewOutcome.InvalidName>(await Views.SaveAsync(tenant, user, new string('v', 101), Query(""), CancellationToken.None));
        Assert.IsType<SaveViewOutcome.Saved>(await Views.SaveAsync(tenant, Guid.NewGuid().ToString(), "VIP", Query(""), CancellationToken.None));
        Assert.Single(await Views.ListAsync(tenant, user, CancellationToken.None));
    }

    [Fact]
    public async Task A_person_keeps_at_most_fifty_views()
    {
        var tenant = new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test);
        var user = Guid.NewGuid().ToString();
        for (var i = 0; i < SavedViews.MaxViews; i++)
        {
            Assert.IsType<SaveViewOutcome.Saved>(await Views.SaveAsync(tenant, user, $"View {i}", Query(""), CancellationToken.None));
        }
        Assert.IsType<SaveViewOutcome.TooMany>(await Views.SaveAsync(tenant, user, "One more", Query(""), CancellationToken.None));
    }

    [Fact]
    public async Task Only_its_owner_deletes_a_view()
    {
        var tenant = new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test);
        var user = Guid.NewGuid().ToString();
        var view = Assert.IsType<SaveViewOutcome.Saved>(await Views.SaveAsync(tenant, user, "Mine", Query(""), CancellationToken.None)).View;

        Assert.IsType<DeleteViewOutcome.NotFound>(await Views.DeleteAsync(tenant, Guid.NewGuid().ToString(), view.Id, CancellationToken.None));
        Assert.IsType<DeleteViewOutcome.NotFound>(await Views.DeleteAsync(new Tenant((await app.CreateBusinessAsync()).Id, Mode.Test), user, view.Id, CancellationToken.None));
        Assert.IsType<DeleteViewOutcome.Deleted>(await Views.DeleteAsync(tenant, user, view.Id, CancellationToken.None));
        Assert.IsType<DeleteViewOutcome.NotFound>(await Views.DeleteAsync(tenant, user, view.Id, CancellationToken.None));
        Assert.Empty(await Views.ListAsync(tenant, user, CancellationToken.None));
    }
}
