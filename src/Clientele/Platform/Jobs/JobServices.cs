namespace Clientele.Platform.Jobs;

public static class JobServices
{
    /// <summary>What every <see cref="PollingWorker"/> reports to (and the <c>Clientele.Workers</c> meter).</summary>
    public static IHostApplicationBuilder AddClienteleJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<WorkerStatus>();
        return builder;
    }
}
