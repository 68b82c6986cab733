namespace Clientele.Features.Wallets;

/// <summary>What caused a ledger entry; the reference's CustomerLedgerEventType.</summary>
public enum LedgerEventType
{
    Payment,
    PaymentReversal,
    Refund,
    RefundReversal,
    Dispute,
    DisputeReversal,

    /// <summary>A credit or debit made by the merchant through the API or dashboard.</summary>
    MerchantAdjustment,
}

public static class LedgerEventTypes
{
    public static string ToWire(this LedgerEventType type) => type switch
    {
        LedgerEventType.Payment => "payment",
        LedgerEventType.PaymentReversal => "payment_reversal",
        LedgerEventType.Refund => "refund",
        LedgerEventType.RefundReversal => "refund_reversal",
        LedgerEventType.Dispute => "dispute",
        LedgerEventType.DisputeReversal => "dispute_reversal",
        LedgerEventType.MerchantAdjustment => "merchant_adjustment",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown ledger event type."),
    };
}
