using Clientele.Platform.Jobs;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Refunds;

/// <summary>The refund recovery loop of this process (every process may run one; they share the work through SKIP LOCKED).</summary>
public sealed class RefundRecoveryWorker(RefundRecovery recovery, IOptions<RefundOptions> options, WorkerStatus status) : PollingWorker(status)
{
    public override string Name => "refund-recovery";

    protected override TimeSpan IdleDelay => options.Value.RecoveryInterval;

    protected override Task<int> RunPassAsync(CancellationToken cancellationToken) => recovery.RunOnceAsync(cancellationToken);
}
