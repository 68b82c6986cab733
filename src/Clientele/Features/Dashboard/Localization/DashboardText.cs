namespace Clientele.Features.Dashboard.Localization;

/// <summary>Marker for the dashboard's strings (DashboardText.resx and its translations, the portal's five languages).</summary>
public sealed class DashboardText;
