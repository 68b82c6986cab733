using Clientele.Platform.Api;
using Clientele.Primitives;

namespace Clientele.Features.Wallets;

/// <summary>A merchant's credit or debit, as posted to <c>/customers/{id}/wallets/ledger-entries</c>.</summary>
public sealed record ManualEntry(Currency Currency, long Amount, bool IsCredit, string? Reason, string? IdempotencyKey);

public static class ManualEntryInput
{
    public const int MaxReasonLength = 500;
    public const int MaxIdempotencyKeyLength = 255;

    public static ManualEntry? Parse(JsonBody body)
    {
        var amount = Amount(body);
        var currency = CurrencyField(body);
        var isCredit = EntryType(body);
        string? reason = null;
        if (body.String("reason") is { IsSet: true, Value: { } text })
        {
            reason = Reason(text, out var tooLong);
            if (tooLong)
            {
                body.AddError("reason", $"must be at most {MaxReasonLength} characters");
            }
        }
        var key = IdempotencyKey(body);
        return body.HasErrors ? null : new ManualEntry(currency!, amount, isCredit!.Value, reason, key);
    }

    /// <summary>The amount rule, for every door (API JSON, dashboard form): a positive number of minor units.</summary>
    public static bool IsValidAmount(long amount) => amount > 0;

    /// <summary>The reason rule, for every door: trimmed, blank means none, at most <see cref="MaxReasonLength"/> characters.</summary>
    public static string? Reason(string? text, out bool tooLong)
    {
        var trimmed = text?.Trim() ?? "";
        tooLong = trimmed.Length > MaxReasonLength;
        return trimmed.Length == 0 || tooLong ? null : trimmed;
    }

    private static long Amount(JsonBody body)
    {
        var field = body.Integer("amount");
        if (body.Errors.Any(e => e.Field == "amount"))
        {
            return 0;
        }
        if (field is not { IsSet: true, Value: { } amount })
        {
            body.AddError("amount", "is required");
            return 0;
        }
        if (!IsValidAmount(amount))
        {
            body.AddError("amount", "must be a positive integer in the currency's minor units");
        }
        return amount;
    }

    private static Currency? CurrencyField(JsonBody body)
    {
        var field = body.String("currency");
        if (body.Errors.Any(e => e.Field == "currency"))
        {
            return null;
        }
        if (field is not { IsSet: true, Value: { } code })
        {
            body.AddError("currency", "is required");
            return null;
        }
        if (!Currency.TryFind(code, out var currency))
        {
            body.AddError("currency", "must be a supported uppercase ISO-4217 code, such as USD");
            return null;
        }
        return currency;
    }

    private static bool? EntryType(JsonBody body)
    {
        var field = body.String("entry_type");
        if (body.Errors.Any(e => e.Field == "entry_type"))
        {
            return null;
        }
        switch (field.Value)
        {
            case "credit": return true;
            case "debit": return false;
            case null:
                body.AddError("entry_type", "is required");
                return null;
            default:
                body.AddError("entry_type", "must be credit or debit");
                return null;
        }
    }

    private static string? IdempotencyKey(JsonBody body)
    {
        var field = body.String("idempotency_key");
        if (field is not { IsSet: true, Value: { } key })
        {
            return null;
        }
        // Keys are opaque: compared exactly, never trimmed.
        if (key.Trim().Length == 0)
        {
            body.AddError("idempotency_key", "must not be blank");
            return null;
        }
        if (key.Length > MaxIdempotencyKeyLength)
        {
            body.AddError("idempotency_key", $"must be at most {MaxIdempotencyKeyLength} characters");
            return null;
        }
        return key;
    }
}
