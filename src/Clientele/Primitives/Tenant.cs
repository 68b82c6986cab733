using System.Reflection;

namespace Clientele.Primitives;

/// <summary>
/// The business and mode a request acts for, resolved once by authentication.
/// Endpoints take it as a parameter; every query filters by both parts.
/// </summary>
public sealed record Tenant(string BusinessId, Mode Mode)
{
    private static readonly object ItemKey = new();

    public string ModeText => Mode.ToDb();

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    public static Tenant? From(HttpContext context) => context.Items.TryGetValue(ItemKey, out var value) ? value as Tenant : null;

    /// <summary>Minimal-API binding: an endpoint that takes a Tenant only runs after authentication set one.</summary>
    public static ValueTask<Tenant?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<Tenant?>(From(context) ?? throw new InvalidOperationException(
            "Endpoint takes a Tenant but is not behind API-key authentication."));
}
