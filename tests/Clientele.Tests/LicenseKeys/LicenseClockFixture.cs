using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Clientele.Tests.LicenseKeys;

/// <summary>A server whose clock the license tests freeze and move, with small public rate limits.</summary>
public sealed class LicenseClockFixture : ClockedAppFixture
{
    public const int PerKeyLimit = 5;
    public const int PerIpLimit = 8;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("LicenseKeys:PerKey:Limit", PerKeyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("LicenseKeys:PerIp:Limit", PerIpLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Stops the clock on a whole second a few seconds into a minute (so a one-minute window does not
    /// turn over mid-test), weeks ahead of real time and of every other test's rows.
    /// </summary>
    public DateTimeOffset FreezeAtFreshMinute(int days)
    {
        var real = DateTimeOffset.UtcNow.AddDays(days);
        var at = new DateTimeOffset(real.Year, real.Month, real.Day, real.Hour, real.Minute, 5, TimeSpan.Zero);
        TestClock.Freeze(at);
        return at;
    }
}

[CollectionDefinition(Name)]
public sealed class LicenseClockCollection : ICollectionFixture<LicenseClockFixture>
{
    public const string Name = "License keys: clock";
}
