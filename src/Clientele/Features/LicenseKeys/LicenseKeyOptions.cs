using Clientele.Platform.Security;

namespace Clientele.Features.LicenseKeys;

/// <summary>Rate limits of the public /licenses/* endpoints (section <c>LicenseKeys</c>); the README lists the defaults.</summary>
public sealed class LicenseKeyOptions
{
    public const string Section = "LicenseKeys";

    /// <summary>Requests naming one license key, from anywhere.</summary>
    public LimitSettings PerKey { get; set; } = new() { Limit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Requests from one IP address, whatever key they name (guessing keys is slow).</summary>
    public LimitSettings PerIp { get; set; } = new() { Limit = 300, Window = TimeSpan.FromMinutes(1) };

    public bool IsValid => PerKey.IsValid && PerIp.IsValid;

    public sealed class LimitSettings
    {
        public int Limit { get; set; }

        public TimeSpan Window { get; set; }

        public bool IsValid => Limit > 0 && Window > TimeSpan.Zero;

        public RateLimitRule Rule(string name) => new(name, Limit, Window);
    }
}
