namespace Clientele.Tests.Infrastructure;

/// <summary>A clock tests can move: it follows real time until frozen or advanced.</summary>
public sealed class TestClock : TimeProvider
{
    private readonly Lock gate = new();
    private TimeSpan offset;
    private DateTimeOffset? frozenAt;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return frozenAt ?? base.GetUtcNow() + offset;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (gate)
        {
            if (frozenAt is { } frozen)
            {
                frozenAt = frozen + by;
            }
            else
            {
                offset += by;
            }
        }
    }

    public void Freeze(DateTimeOffset at)
    {
        lock (gate)
        {
            frozenAt = at;
        }
    }

    /// <summary>Lets time run again from where it stood (so later tests still see it move).</summary>
    public void Unfreeze()
    {
        lock (gate)
        {
            if (frozenAt is { } frozen)
            {
                offset = frozen - base.GetUtcNow();
                frozenAt = null;
            }
        }
    }
}
