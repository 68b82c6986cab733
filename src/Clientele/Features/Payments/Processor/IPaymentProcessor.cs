using Clientele.Primitives;

namespace Clientele.Features.Payments.Processor;

/// <summary>
/// A payment processor: the built-in test processor, or later a live connector. Charges and refunds
/// are idempotent by key; the same key always returns the first result.
/// </summary>
public interface IPaymentProcessor
{
    /// <summary>The only place a card number goes. Returns a token and what may be stored about the card.</summary>
    Task<TokenizeResult> TokenizeAsync(Tenant tenant, CardDetails card, CancellationToken cancellationToken);

    Task<ChargeResult> ChargeAsync(Tenant tenant, ChargeRequest request, CancellationToken cancellationToken);

    /// <summary>Refunds (part of) a charge, or says why not; throws <see cref="ProcessorUnavailableException"/> when the outcome is unknown.</summary>
    Task<ProcessorRefundResult> RefundAsync(Tenant tenant, ProcessorRefundRequest request, CancellationToken cancellationToken);

    /// <summary>What became of a refund whose answer was lost (a crash, a timeout); null if it never happened.</summary>
    Task<ProcessorRefundResult?> FindRefundAsync(Tenant tenant, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>What became of a charge whose answer was lost (a crash, a timeout); null if it never happened.</summary>
    Task<ChargeResult?> FindChargeAsync(Tenant tenant, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>
/// Card details as typed. Deliberately a class whose ToString hides everything: it must never
/// reach a log line, an exception message or a table.
/// </summary>
public sealed class CardDetails(string number, int expiryMonth, int expiryYear, string cvc, string? holderName)
{
    public string Number { get; } = number;

    public int ExpiryMonth { get; } = expiryMonth;

    public int ExpiryYear { get; } = expiryYear;

    public string Cvc { get; } = cvc;

    public string? HolderName { get; } = holderName;

    public override string ToString() => "CardDetails(redacted)";
}

/// <summary>What a merchant may keep about a card.</summary>
public sealed record CardToken(string Token, string Network, string CardType, string Last4, int ExpiryMonth, int ExpiryYear, string Fingerprint, string? HolderName);

public abstract record TokenizeResult
{
    public sealed record Tokenized(CardToken Card) : TokenizeResult;

    /// <summary>The card cannot be used: <c>invalid_number</c>, <c>expired_card</c>, <c>invalid_cvc</c>, <c>test_card_required</c>.</summary>
    public sealed record Rejected(string Code) : TokenizeResult;
}

public sealed record ChargeRequest(string Token, Money Amount, string IdempotencyKey);

public sealed record ChargeResult(string ChargeId, bool Succeeded, string? FailureCode);

public sealed record ProcessorRefundRequest(string ChargeId, long Amount, string IdempotencyKey);

/// <summary>The processor's answer to a refund: made (with its id), or refused (nothing was refunded).</summary>
public abstract record ProcessorRefundResult
{
    public sealed record Refunded(string RefundId) : ProcessorRefundResult;

    /// <summary>E.g. <c>amount_exceeds_charge</c>: the charge has less left than was asked.</summary>
    public sealed record Refused(string Reason) : ProcessorRefundResult;
}

/// <summary>The processor could not be reached or did not answer; the outcome of the call is unknown.</summary>
public sealed class ProcessorUnavailableException(string message) : Exception(message);
