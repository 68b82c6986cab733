namespace Clientele.Features.Wallets;

/// <summary>A customer's balance in one currency, in minor units (the reference's CustomerWallet).</summary>
public sealed record Wallet(string CustomerId, string Currency, long Balance, DateTime CreatedAt, DateTime UpdatedAt)
{
    public WalletResponse ToResponse() => new(CustomerId, Currency, Balance, CreatedAt, UpdatedAt);
}

/// <summary>One ledger entry as stored (the reference's CustomerWalletTransaction).</summary>
public sealed record LedgerEntry(
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
    DateTime CreatedAt)
{
    // Dapper maps by constructor, in this order.
    public const string Columns = "id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, reference_object_id, created_at";

    public LedgerEntryResponse ToResponse() =>
        new(Id, BusinessId, CustomerId, Currency, Amount, IsCredit, EventType, BeforeBalance, AfterBalance, Reason, ReferenceObjectId, CreatedAt);
}

/// <summary>A customer's wallets and their indicative sum in US cents.</summary>
public sealed record CustomerWallets(IReadOnlyList<Wallet> Wallets, long TotalBalanceUsd)
{
    public CustomerWalletsResponse ToResponse() => new([.. Wallets.Select(w => w.ToResponse())], TotalBalanceUsd);
}

public sealed record WalletResponse(string CustomerId, string Currency, long Balance, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record CustomerWalletsResponse(IReadOnlyList<WalletResponse> Items, long TotalBalanceUsd);

public sealed record LedgerEntryResponse(
    string Id,
    string BusinessId,
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
