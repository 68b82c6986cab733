using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Clientele.Platform.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics (ASP.NET Core, outgoing HTTP, Npgsql, every <c>Clientele.*</c>
/// meter), exported over OTLP when <c>Telemetry:Otlp:Endpoint</c> (or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>)
/// is set and to the console when <c>Telemetry:Console</c> is true. With neither, the SDK is not even
/// registered: no listener, no cost.
/// </summary>
public static class TelemetryServices
{
    public const string ClienteleMeters = "Clientele.*";

    public static IHostApplicationBuilder AddClienteleTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EmailOutboxGauges>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailOutboxGauges>());

        var config = builder.Configuration;
        var endpoint = config["Telemetry:Otlp:Endpoint"] is { Length: > 0 } configured ? configured : config["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var otlp = !string.IsNullOrWhiteSpace(endpoint);
        var console = config.GetValue("Telemetry:Console", false);
        if (!otlp && !console)
        {
            return builder;
        }
        var protocol = string.Equals(config["Telemetry:Otlp:Protocol"], "http/protobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;
        void Otlp(OtlpExporterOptions options, string signal)
        {
            options.Protocol = protocol;
            // Over HTTP an endpoint set in code is used as is, so it needs the signal's path.
            options.Endpoint = new Uri(protocol == OtlpExportProtocol.HttpProtobuf ? endpoint!.TrimEnd('/') + "/v1/" + signal : endpoint!);
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                config["Telemetry:ServiceName"] ?? "clientele",
                serviceVersion: typeof(TelemetryServices).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource(ClienteleMeters);
                if (otlp)
                {
                    tracing.AddOtlpExporter(options => Otlp(options, "traces"));
                }
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter("Npgsql")
                    .AddMeter(ClienteleMeters);
                if (otlp)
                {
                    metrics.AddOtlpExporter(options => Otlp(options, "metrics"));
                }
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        return builder;
    }
}
