using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Floor;

/// <summary>
/// The portal floors' shared part: the session lookup the product's portal pages start with (the
/// product's statement, the product's cookie and hash), and plain formatting for the pages.
/// </summary>
internal static class PortalFloor
{
    /// <summary>The product's cookie on its plain-http loopback test base (Features/Portal/Shell/PortalCookies.cs, SessionName).</summary>
    public const string CookieName = "clientele_test";

    private const string Mode = "test";

    /// <summary>Features/Portal/PortalOptions.cs defaults: SessionIdleTimeout; PortalSessionStore.ActivityGranularity.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);

    private static readonly TimeSpan ActivityGranularity = TimeSpan.FromMinutes(1);

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    /// <summary>
    /// The session of the request's cookie, on its own borrow given back before the page's reads, as
    /// <c>PortalPageModel</c> does (it releases the request connection once the session is read).
    /// </summary>
    public static async Task<FloorSession?> ResolveAsync(HttpContext context, NpgsqlDataSource dataSource)
    {
        var token = context.Request.Cookies[CookieName];
        if (!LooksValid(token))
        {
            return null;
        }
        var now = DateTime.UtcNow;
        await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
        return await connection.QuerySingleOrDefaultAsync<FloorSession>(new CommandDefinition(PortalSql.ResolveSession,
            new { now, hash = Hash(token!), mode = Mode, idleCutoff = now - IdleTimeout, touchCutoff = now - ActivityGranularity },
            cancellationToken: context.RequestAborted));
    }

    /// <summary>Features/Portal/PortalTokens.cs, Hash.</summary>
    private static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>Features/Portal/PortalTokens.cs, LooksValid.</summary>
    private static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string Date(DateTime utc) => utc.ToString("D", Culture);

    public static string Timestamp(DateTime utc) => utc.ToString("g", Culture);

    /// <summary>Minor units as a plain amount and code ("1,000.00 USD"); two decimals but for the few zero-decimal currencies.</summary>
    public static string Money(long minor, string currency)
    {
        var zeroDecimals = currency is "JPY" or "KRW" or "VND" or "CLP" or "ISK" or "UGX" or "XAF" or "XOF" or "PYG" or "RWF";
        return zeroDecimals
            ? minor.ToString("N0", Culture) + " " + currency
            : (minor / 100m).ToString("N2", Culture) + " " + currency;
    }
}

/// <summary>The session row as <c>PortalSessionStore.ResolveAsync</c> reads it.</summary>
internal sealed class FloorSession
{
    public string SessionId { get; init; } = "";

    public string BusinessId { get; init; } = "";

    public string CustomerId { get; init; } = "";

    public string? ReturnUrl { get; init; }

    public string? UnifiedSessionId { get; init; }

    public DateTime ExpiresAt { get; init; }

    public string CustomerName { get; init; } = "";

    public string CustomerEmail { get; init; } = "";

    public string? CustomerPhone { get; init; }

    public string BusinessName { get; init; } = "";

    public string? LogoUrl { get; init; }

    public string? AccentColor { get; init; }

    public string? SupportEmail { get; init; }

    public string? PrivacyUrl { get; init; }

    public string? TermsUrl { get; init; }
}

/// <summary>A subscription row as the product's <c>Subscription.Select</c> returns it (every column mapped, as the product's <c>Subscription</c>).</summary>
internal sealed class SubscriptionRow
{
    public string Id { get; init; } = "";
    public string BusinessId { get; init; } = "";
    public string Mode { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public string ProductId { get; init; } = "";
    public int Quantity { get; init; }
    public string Status { get; init; } = "";
    public string Currency { get; init; } = "";
    public long UnitAmount { get; init; }
    public long RecurringPreTaxAmount { get; init; }
    public bool TaxInclusive { get; init; }
    public int PaymentFrequencyCount { get; init; }
    public string PaymentFrequencyInterval { get; init; } = "";
    public int SubscriptionPeriodCount { get; init; }
    public string SubscriptionPeriodInterval { get; init; } = "";
    public int TrialPeriodDays { get; init; }
    public long? TrialAmount { get; init; }
    public bool OnDemand { get; init; }
    public string Billing { get; init; } = "{}";
    public string Metadata { get; init; } = "{}";
    public string? TaxId { get; init; }
    public string? PaymentMethodId { get; init; }
    public DateTime BillingAnchor { get; init; }
    public int NextPeriod { get; init; }
    public DateTime PreviousBillingDate { get; init; }
    public DateTime NextBillingDate { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public bool CancelAtNextBillingDate { get; init; }
    public DateTime? CancelledAt { get; init; }
    public string? CancelReason { get; init; }
    public string? CancellationFeedback { get; init; }
    public string? CancellationComment { get; init; }
    public DateTime? PausedAt { get; init; }
    public DateTime? OnHoldAt { get; init; }
    public string? ScheduledChangeId { get; init; }
    public string? ScheduledProductId { get; init; }
    public int? ScheduledQuantity { get; init; }
    public DateTime? ScheduledCreatedAt { get; init; }
    public string? ChargeInFlight { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string CustomerName { get; init; } = "";
    public string CustomerEmail { get; init; } = "";
    public string? CustomerPhone { get; init; }
    public string CustomerMetadata { get; init; } = "{}";
    public string ProductName { get; init; } = "";
    public string? ScheduledProductName { get; init; }
    public string? ScheduledProductDescription { get; init; }

    /// <summary>Features/Subscriptions/Subscription.cs, IsTerminal.</summary>
    public bool IsTerminal => Status is "cancelled" or "failed" or "expired";

    /// <summary>The product's one-line explanation beside the status, in English only.</summary>
    public string Explain() => Status switch
    {
        "active" when CancelAtNextBillingDate => "Ends on " + PortalFloor.Date(NextBillingDate),
        "active" => "Renews on " + PortalFloor.Date(NextBillingDate),
        "on_hold" => "On hold: the last payment failed",
        "paused" => "Paused",
        "pending" => "Waiting for its first payment",
        "cancelled" => "Cancelled on " + PortalFloor.Date(CancelledAt ?? UpdatedAt),
        "expired" => "Ended on " + PortalFloor.Date(ExpiresAt ?? UpdatedAt),
        _ => "Failed",
    };

    public string Price()
    {
        var amount = PortalFloor.Money(RecurringPreTaxAmount, Currency);
        var price = PaymentFrequencyCount == 1
            ? $"{amount} per {PaymentFrequencyInterval.ToLowerInvariant()}"
            : $"{amount} every {PaymentFrequencyCount} {PaymentFrequencyInterval.ToLowerInvariant()}s";
        return Quantity > 1 ? $"{price} × {Quantity}" : price;
    }
}

/// <summary>Features/Portal/Subscriptions/PortalSubscriptions.cs, CardLabel.</summary>
internal sealed record CardLabel(string Id, string Network, string Last4, int ExpiryMonth, int ExpiryYear)
{
    /// <summary>Features/Portal/Overview/PortalOverview.cs, ValidUntil: a card works through the last day of its expiry month.</summary>
    public DateTime ValidUntil => new DateTime(ExpiryYear, ExpiryMonth, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
}

/// <summary>Features/Portal/Overview/PortalOverview.cs, OverviewInvoice.</summary>
internal sealed record OverviewInvoice(string PaymentId, string Number, DateTime CreatedAt, long TotalAmount, string Currency, string? Items);

/// <summary>Features/Portal/Overview/PortalOverview.cs, OverviewWallet.</summary>
internal sealed record OverviewWallet(string Currency, long Balance);

/// <summary>Features/Wallets/Wallet.cs, Wallet.</summary>
internal sealed record WalletRow(string CustomerId, string Currency, long Balance, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Features/Wallets/Wallet.cs, LedgerEntry (Dapper maps by constructor, in this order).</summary>
internal sealed record LedgerEntryRow(
    string Id,
    string BusinessId,
    string Mode,
    string CustomerId,
    string Currency,
    long Amount,
    bool IsCredit,
    string EventType,
    long BeforeBalance,
    long AfterBalance,
    string? Reason,
    string? ReferenceObjectId,
    DateTime CreatedAt);
