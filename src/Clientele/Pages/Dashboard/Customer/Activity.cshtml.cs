using System.Globalization;
using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Dashboard.Localization;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/activity</c>: one timeline of what happened to the customer, newest first,
/// keyset-paged (<c>?before=</c>), from <see cref="CustomerActivity"/>.
/// </summary>
public sealed class ActivityModel(NpgsqlDataSource dataSource, IStringLocalizer<DashboardText> text) : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Activity;

    public IReadOnlyList<ActivityEntry> Entries { get; private set; } = [];

    public ActivityCursor? Older { get; private set; }

    public bool Paged { get; private set; }

    public async Task OnGetAsync(string? before)
    {
        var cursor = ActivityCursor.Parse(before);
        Paged = cursor is not null;
        var page = await CustomerActivity.ReadAsync(dataSource, Dashboard.Tenant, Customer.Id, Customer.Email, cursor, HttpContext.RequestAborted);
        Entries = page.Entries;
        Older = page.Older;
    }

    /// <summary>The entry's kind as people read it.</summary>
    public string Label(ActivityEntry entry) => text[entry.Kind switch
    {
        ActivityKind.Payment => entry.Status is "succeeded" or "failed" ? $"LedAct_payment_{entry.Status}" : "LedAct_payment",
        ActivityKind.WalletEntry => entry.Status == "credit" ? "LedAct_wallet_credit" : "LedAct_wallet_debit",
        _ => "LedAct_" + entry.Kind,
    }];

    /// <summary>One line saying what it was.</summary>
    public string Describe(ActivityEntry entry)
    {
        var amount = entry is { Amount: { } minor, Currency: { } code } ? CreditsModel.Format(minor, code) : "";
        return entry.Kind switch
        {
            ActivityKind.Payment => text["LedActDesc_payment", amount, entry.Status ?? "", entry.Id],
            ActivityKind.Refund => text["LedActDesc_refund", amount, entry.Reference ?? "", entry.Status ?? ""],
            ActivityKind.SubscriptionCreated => text["LedActDesc_subscription_created", entry.Text ?? entry.Reference ?? "", amount, entry.Id],
            ActivityKind.SubscriptionChange => text["LedActDesc_subscription_change", entry.Text ?? "", entry.Reference ?? ""],
            ActivityKind.WalletEntry => entry.Text is { } reason ? $"{amount} · {reason}" : amount,
            ActivityKind.Email => text["LedActDesc_email", entry.Text ?? "", entry.Status ?? ""],
            ActivityKind.PortalSignIn => text["LedActDesc_portal_sign_in"],
            ActivityKind.WebhookDelivery => text["LedActDesc_webhook_delivery", entry.Text ?? "", entry.Reference ?? "", entry.Status ?? ""],
            _ => entry.Id,
        };
    }

    /// <summary>The page where the object is, when there is one.</summary>
    public string? LinkPage(ActivityEntry entry) => entry.Kind switch
    {
        ActivityKind.Payment or ActivityKind.Refund => "/Dashboard/Customer/Payments",
        ActivityKind.SubscriptionCreated or ActivityKind.SubscriptionChange => "/Dashboard/Customer/Subscriptions",
        ActivityKind.WalletEntry => "/Dashboard/Customer/Credits",
        _ => null,
    };

    public static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
}
