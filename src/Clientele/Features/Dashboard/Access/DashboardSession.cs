using Clientele.Primitives;

namespace Clientele.Features.Dashboard.Access;

/// <summary>A live dashboard session: who, which business they last looked at, and in which mode.</summary>
public sealed record DashboardSession(
    string SessionId,
    string UserId,
    string Email,
    string? BusinessId,
    Mode Mode,
    bool AwaitingSecondFactor,
    bool TwoFactorEnabled,
    DateTime ExpiresAt);

/// <summary>One business the signed-in person belongs to, with their role there.</summary>
public sealed record DashboardMembership(string BusinessId, string BusinessName, DashboardRole Role);
