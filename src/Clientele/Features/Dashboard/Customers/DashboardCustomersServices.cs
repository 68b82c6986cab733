using Clientele.Platform.Hosting;

namespace Clientele.Features.Dashboard.Customers;

public static class DashboardCustomersServices
{
    /// <summary>The Customers page's engine: list, columns, saved views, reports and their worker.</summary>
    public static IHostApplicationBuilder AddDashboardCustomers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CustomerReportOptions, CustomerReportOptionsValidator>(CustomerReportOptions.Section);
        builder.Services.AddSingleton<CustomerList>();
        builder.Services.AddSingleton<ColumnPreferences>();
        builder.Services.AddSingleton<SavedViews>();
        builder.Services.AddSingleton<CustomerReportSignal>();
        builder.Services.AddSingleton<CustomerReports>();
        builder.Services.AddSingleton<CustomerReportRunner>();
        if (builder.Configuration.GetValue($"{CustomerReportOptions.Section}:{nameof(CustomerReportOptions.WorkerEnabled)}", true))
        {
            builder.Services.AddHostedService<CustomerReportWorker>();
        }
        return builder;
    }
}
