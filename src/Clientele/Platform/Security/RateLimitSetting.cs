namespace Clientele.Platform.Security;

/// <summary>A configured limit (<c>Limit</c> hits per <c>Window</c>), as the options of each rate-limited feature bind it.</summary>
public sealed class RateLimitSetting
{
    public int Limit { get; set; }

    public TimeSpan Window { get; set; }

    public RateLimitRule Rule(string name) => new(name, Limit, Window);
}
