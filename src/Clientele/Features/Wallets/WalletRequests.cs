namespace Clientele.Features.Wallets;

// The body's shape for the OpenAPI document; ManualEntryInput (the parser) is the authority on what is accepted.

/// <summary><c>POST /customers/{id}/wallets/ledger-entries</c>: <c>entry_type</c> is <c>credit</c> or <c>debit</c>; <c>amount</c> positive, in minor units.</summary>
public sealed record CreateLedgerEntryRequest(
    long Amount,
    string Currency,
    string EntryType,
    string? IdempotencyKey = null,
    string? Reason = null);
