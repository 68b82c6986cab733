using System.Text.Json;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary><c>/dashboard/customers/{id}</c>: the customer's About section (the other tabs are their own pages).</summary>
public sealed class AboutModel : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.About;

    /// <summary>The metadata's keys and values as text, in the stored order.</summary>
    public IReadOnlyList<(string Key, string Value)> Metadata { get; private set; } = [];

    /// <summary>A notice after a change (a resource key from a fixed list).</summary>
    public string? Notice { get; private set; }

    public void OnGet(string? notice)
    {
        Notice = notice is "DetEditSaved" ? notice : null;
        using var document = JsonDocument.Parse(Customer.Metadata);
        Metadata = document.RootElement.ValueKind == JsonValueKind.Object
            ? [.. document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()))]
            : [];
    }
}
