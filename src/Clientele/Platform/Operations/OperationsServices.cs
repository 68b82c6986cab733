using Clientele.Platform.Telemetry;

namespace Clientele.Platform.Operations;

/// <summary>What an operator runs the server with: graceful shutdown, request ids, logs, telemetry.</summary>
public static class OperationsServices
{
    /// <summary>Setting: how long SIGTERM waits for requests in flight and background work to finish.</summary>
    public const string ShutdownTimeoutKey = "Hosting:ShutdownTimeout";

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    public static IHostApplicationBuilder AddClienteleOperations(this IHostApplicationBuilder builder)
    {
        // SIGTERM (the generic host's console lifetime) stops Kestrel from accepting connections, lets
        // requests in flight finish, cancels the workers' stopping tokens, and waits up to this long.
        var shutdownTimeout = builder.Configuration.GetValue(ShutdownTimeoutKey, DefaultShutdownTimeout);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = shutdownTimeout);
        builder.AddClienteleTelemetry();
        return builder;
    }
}
