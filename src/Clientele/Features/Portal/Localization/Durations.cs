using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Localization;

/// <summary>Link lifetimes in words ("15 minutes", "24 hours"), in the current UI culture.</summary>
public static class Durations
{
    public static string Describe(IStringLocalizer<PortalText> text, TimeSpan duration)
    {
        if (duration.TotalHours >= 1 && duration.TotalHours == Math.Floor(duration.TotalHours))
        {
            var hours = (int)duration.TotalHours;
            return hours == 1 ? text["DurationOneHour"] : text["DurationHours", hours];
        }
        var minutes = Math.Max(1, (int)Math.Round(duration.TotalMinutes));
        return minutes == 1 ? text["DurationOneMinute"] : text["DurationMinutes", minutes];
    }
}
