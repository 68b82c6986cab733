using Clientele.Platform.Jobs;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Subscriptions;

/// <summary>The renewal worker of this process (every process may run one; they share the work through SKIP LOCKED).</summary>
public sealed class RenewalWorker(RenewalRunner runner, IOptions<SubscriptionOptions> options, WorkerStatus status) : PollingWorker(status)
{
    public override string Name => "renewals";

    protected override TimeSpan IdleDelay => options.Value.PollInterval;

    protected override int ConnectionsPerPass => options.Value.Parallelism;

    protected override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var pass = await runner.RunOnceAsync(null, cancellationToken);
        return pass.Renewed + pass.Failed + pass.Pending + pass.Ended + pass.Recovered + pass.Notices;
    }
}
