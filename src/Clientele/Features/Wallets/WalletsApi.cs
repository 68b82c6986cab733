using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Wallets;

/// <summary><c>/customers/{customer_id}/wallets</c>, as the reference API.</summary>
public static class WalletsApi
{
    public static IEndpointRouteBuilder MapWalletsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/customers/{customer_id}/wallets").RequireApiKey().WithTags("Customers");
        group.MapGet("", ListWalletsAsync).WithName("get_customer_wallets")
            .Produces<CustomerWalletsResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapGet("/ledger-entries", ListEntriesAsync).WithName("get_customer_wallet_transactions")
            .Produces<Page<LedgerEntryResponse>>().ProducesApiErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/ledger-entries", CreateEntryAsync).WithName("create_customer_ledger_entry").Accepts<CreateLedgerEntryRequest>("application/json")
            .Produces<WalletResponse>()
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<IResult> ListWalletsAsync(string customer_id, Tenant tenant, WalletStore store, CancellationToken cancellationToken) =>
        await store.ListWalletsAsync(tenant, customer_id, cancellationToken) is { } wallets
            ? Results.Ok(wallets.ToResponse())
            : ApiResults.NotFound("Customer");

    private static async Task<IResult> ListEntriesAsync(string customer_id, HttpRequest request, Tenant tenant, WalletStore store, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        Currency? currency = null;
        if (query.String("currency", 16) is { } code && !Currency.TryFind(code, out currency))
        {
            query.AddError("currency", "must be a supported uppercase ISO-4217 code, such as USD");
        }
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        return await store.ListEntriesAsync(tenant, customer_id, currency, paging, cancellationToken) is { } entries
            ? Results.Ok(new Page<LedgerEntryResponse>([.. entries.Select(e => e.ToResponse())]))
            : ApiResults.NotFound("Customer");
    }

    private static async Task<IResult> CreateEntryAsync(string customer_id, HttpRequest request, Tenant tenant, ManualEntries entries, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, ManualEntryInput.Parse, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var input = parsed.Input;
        return await entries.PostAsync(tenant, customer_id, input, cancellationToken) switch
        {
            ManualEntryOutcome.Done done => Results.Ok(done.Wallet.ToResponse()),
            ManualEntryOutcome.KeyReused => ApiResults.Unprocessable("IDEMPOTENCY_KEY_REUSED",
                "idempotency_key: was already used for a different customer, amount, currency or entry_type"),
            ManualEntryOutcome.Refused { Reason: LedgerOutcome.InsufficientBalance } => ApiResults.BadRequest("INSUFFICIENT_BALANCE",
                $"Insufficient balance for debit: the {input.Currency.Code} wallet holds less than {input.Amount}"),
            ManualEntryOutcome.Refused { Reason: LedgerOutcome.BalanceLimitExceeded } => ApiResults.Invalid(
                new ValidationError("amount", "would take the balance above the largest supported balance (2^63 - 1 minor units)")),
            _ => ApiResults.NotFound("Customer"),
        };
    }
}
