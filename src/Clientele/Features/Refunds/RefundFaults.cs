using System.Collections.Concurrent;

namespace Clientele.Features.Refunds;

/// <summary>
/// Lets fault tests make recording a refund's outcome fail after the processor has answered (as a
/// lost database connection or a crash would), per business so parallel tests do not disturb each other.
/// </summary>
public sealed class RefundFaults
{
    private readonly ConcurrentDictionary<string, bool> failRecording = new(StringComparer.Ordinal);

    public void FailRecording(string businessId) => failRecording[businessId] = true;

    public void Clear(string businessId) => failRecording.TryRemove(businessId, out _);

    internal void ThrowIfRecordingFails(string businessId)
    {
        if (failRecording.ContainsKey(businessId))
        {
            throw new InvalidOperationException("Recording the refund was told to fail.");
        }
    }
}
