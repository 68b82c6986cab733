namespace Clientele.Tests.Infrastructure;

/// <summary>A second server on the same database whose clock tests move (link expiry, session timeouts).</summary>
public sealed class ClockedAppFixture() : AppFixture(new TestClock())
{
    public TestClock TestClock => (TestClock)Clock;
}

/// <summary>
/// Tests that move the clock or drive the browser run one at a time (the clock is shared, and so is
/// the browser), beside the rest of the suite.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SerialPortalCollection : ICollectionFixture<ClockedAppFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "Portal: clock and browser";
}
