using System.Security.Cryptography;

namespace Clientele.Primitives;

/// <summary>Prefixed random identifiers such as <c>cus_…</c>, like the reference API's.</summary>
public static class Ids
{
    public const string Business = "bus";
    public const string Customer = "cus";
    public const string ApiKey = "key";
    public const string WebhookEndpoint = "whk";
    public const string WebhookEvent = "evt";
    public const string WebhookDelivery = "whd";
    public const string WalletTransaction = "wlt"; // a wallet ledger entry (the reference's CustomerWalletTransaction)
    public const string Product = "pdt";
    public const string ProductCollection = "pdc";
    public const string ProductCollectionGroup = "pcg";
    public const string ProductCollectionItem = "pci";
    public const string Payment = "pay";
    public const string Refund = "ref";
    public const string PaymentMethod = "pm";
    public const string Invoice = "inv";
    public const string CreditNote = "cn";
    public const string CheckoutSession = "cks";
    public const string ProcessorToken = "tok";
    public const string ProcessorCharge = "ch";
    public const string ProcessorRefund = "re";
    public const string Email = "eml";
    public const string PortalSession = "pss";
    public const string UnifiedSession = "uss";
    public const string Subscription = "sub";
    public const string SubscriptionCharge = "sbc";
    public const string ScheduledChange = "spc";
    public const string LicenseKey = "lic";
    public const string LicenseKeyInstance = "lki";
    public const string DashboardUser = "usr";
    public const string DashboardSession = "dss";

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    public static readonly System.Buffers.SearchValues<char> Base62 = System.Buffers.SearchValues.Create(Alphabet);
    private const int RandomChars = 24; // 24 base62 chars ≈ 142 bits

    public static string New(string prefix) => $"{prefix}_{RandomBase62(RandomChars)}";

    /// <summary>Uniformly random base62 text (rejection-free: GetString samples uniformly).</summary>
    public static string RandomBase62(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    public static bool LooksLike(string? value, string prefix) =>
        value is not null
        && value.Length > prefix.Length + 1
        && value.Length <= 64
        && value.StartsWith(prefix + "_", StringComparison.Ordinal)
        && value.AsSpan(prefix.Length + 1).IndexOfAnyExcept(Base62) < 0;
}
