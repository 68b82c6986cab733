using Clientele.Features.Portal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Infrastructure;

/// <summary>A second server on the same database whose clock tests move (link expiry, session timeouts).</summary>
public class ClockedAppFixture() : AppFixture(new TestClock())
{
    public TestClock TestClock => (TestClock)Clock;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // A small pool: the main server's pool and other suites share PostgreSQL's 100 connections.
        builder.UseSetting("ConnectionStrings:Clientele", TestSettings.ConnectionString() + ";Maximum Pool Size=10");
        // Its clock runs days ahead: clean-up by that clock would erase the other server's live rows.
        builder.UseSetting("Email:Housekeeping", "false");
        builder.ConfigureServices(services =>
        {
            foreach (var maintenance in services.Where(d => d.ImplementationType == typeof(PortalMaintenance)).ToList())
            {
                services.Remove(maintenance);
            }
        });
    }
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
