using System.Collections.Concurrent;

namespace Clientele.Features.Payments.Processor;

public enum ProcessorFault
{
    None,

    /// <summary>Nothing happens and the caller gets <see cref="ProcessorUnavailableException"/>.</summary>
    Unavailable,

    /// <summary>The charge or refund is made, then the answer is lost (the caller gets the exception).</summary>
    LoseAnswer,
}

/// <summary>
/// Lets fault tests make the test processor fail or slow down, per business so parallel tests
/// do not disturb each other.
/// </summary>
public sealed class TestProcessorFaults
{
    private readonly ConcurrentDictionary<string, (ProcessorFault Fault, TimeSpan Delay)> byBusiness = new(StringComparer.Ordinal);

    public void Set(string businessId, ProcessorFault fault, TimeSpan delay = default) => byBusiness[businessId] = (fault, delay);

    public void Clear(string businessId) => byBusiness.TryRemove(businessId, out _);

    public (ProcessorFault Fault, TimeSpan Delay) For(string businessId) =>
        byBusiness.TryGetValue(businessId, out var setting) ? setting : (ProcessorFault.None, TimeSpan.Zero);
}
