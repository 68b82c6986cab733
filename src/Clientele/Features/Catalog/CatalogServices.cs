namespace Clientele.Features.Catalog;

public static class CatalogServices
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProductStore>();
        builder.Services.AddSingleton<CollectionStore>();
        builder.Services.AddSingleton<CollectionQueries>();
        builder.Services.AddSingleton<SubscriptionSettingsStore>();
        return builder;
    }
}
