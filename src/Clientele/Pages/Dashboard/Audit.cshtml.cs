using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Dashboard.Team;
using Clientele.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard;

/// <summary>
/// <c>/dashboard/audit</c> (owners and admins): every change made in the dashboard or through an API key in
/// this business and mode, newest first, filtered by who, what, which object and when; read-only.
/// </summary>
[RequirePermission(DashboardPermission.ViewAuditLog)]
public sealed class AuditModel(AuditLog log, DashboardTeam team) : DashboardPageModel
{
    public override string Section => DashboardNavigation.Audit;

    /// <summary>"" (anyone), "api_key" (any API key), "customer" (any customer in the portal) or a member's user id.</summary>
    public string Who { get; private set; } = "";

    public string? Action { get; private set; }

    public string? ObjectId { get; private set; }

    public DateOnly? From { get; private set; }

    public DateOnly? To { get; private set; }

    /// <summary>The parameter that could not be read (its filter is left out), or null.</summary>
    public string? InvalidField { get; private set; }

    public IReadOnlyList<TeamMember> Members { get; private set; } = [];

    public AuditPage Result { get; private set; } = new([], null);

    public bool Filtered => Who.Length > 0 || Action is not null || ObjectId is not null || From is not null || To is not null;

    public async Task OnGetAsync(string? who, string? action, string? objectId, string? from, string? to, string? before, CancellationToken cancellationToken)
    {
        Who = Clean(who, 64) ?? "";
        Action = Clean(action, 100);
        ObjectId = Clean(objectId, 128);
        From = ParseDate(from, "from");
        To = ParseDate(to, "to");
        long? cursor = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                cursor = id;
            }
            else
            {
                InvalidField = "before";
            }
        }
        Members = await team.ListAsync(Dashboard.BusinessId, cancellationToken);
        var query = new AuditQuery(
            ActorKind: Who is "api_key" or "customer" ? Who : null,
            ActorId: Who is "" or "api_key" or "customer" ? null : Who,
            ObjectId: ObjectId,
            Action: Action,
            From: From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            To: To?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            Before: cursor);
        Result = await log.ReadAsync(Dashboard.Tenant, query, cancellationToken);
    }

    /// <summary>Whether this is a later page (the newest is a link away).</summary>
    public bool Paged => Request.Query.ContainsKey("before");

    /// <summary>This list's filters with another cursor (or none: the newest page), or narrowed to one object.</summary>
    public string PageUrl(long? before, string? objectId = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("who", Who);
        Add("action", Action);
        Add("objectId", objectId ?? ObjectId);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("before", before?.ToString(CultureInfo.InvariantCulture));
        return (Url.Page("/Dashboard/Audit") ?? "/dashboard/audit") + (parts.Count == 0 ? "" : "?" + string.Join('&', parts));
    }

    private static string? Clean(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Trim() is var t && t.Length > max ? t[..max] : text.Trim();

    private DateOnly? ParseDate(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        InvalidField ??= field;
        return null;
    }
}
