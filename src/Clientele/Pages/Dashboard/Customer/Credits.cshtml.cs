using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Wallets;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/credits</c>: the customer's balances per currency, the ledger (keyset pages,
/// newest first, filterable by currency), and Add credit / Deduct — the API's ledger-entry operation, sent
/// with an idempotency key made for each rendering of the form, so a double click makes one entry.
/// </summary>
public sealed class CreditsModel(NpgsqlDataSource dataSource, WalletStore wallets, ManualEntries entries) : CustomerPageModel
{
    public const string KeyPrefix = "dashboard:";

    public override CustomerTab Tab => CustomerTab.Credits;

    public IReadOnlyList<Wallet> Wallets { get; private set; } = [];

    public IReadOnlyList<LedgerEntry> Entries { get; private set; } = [];

    public long? OlderCursor { get; private set; }

    /// <summary>The currency filter, when one valid code is given.</summary>
    public Currency? Filter { get; private set; }

    public bool FilterInvalid { get; private set; }

    public long? Before { get; private set; }

    [BindProperty]
    public string? EntryType { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? Currency { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? IdempotencyKey { get; set; }

    /// <summary>Resource keys of the messages next to each field, and of the form's notice.</summary>
    public string? AmountError { get; private set; }

    public string[] AmountErrorArgs { get; private set; } = [];

    public string? CurrencyError { get; private set; }

    public string? ReasonError { get; private set; }

    public string? EntryTypeError { get; private set; }

    public string? FormError { get; private set; }

    public string? Notice { get; private set; }

    /// <summary>A fresh key for each rendering: the same rendered form sent twice is one entry.</summary>
    public string FreshKey { get; } = KeyPrefix + Ids.New("led");

    public async Task OnGetAsync(string? currency, string? before, string? notice)
    {
        Notice = notice is "credited" ? "LedNoticeCredited" : notice is "debited" ? "LedNoticeDebited" : null;
        await LoadAsync(currency, before);
    }

    [RequirePermission(DashboardPermission.AdjustWallets)]
    public async Task<IActionResult> OnPostAdjustAsync()
    {
        // The form's fields read into the operation's input; the rules stay the operation's (ManualEntryInput).
        bool? isCredit = EntryType switch { "credit" => true, "debit" => false, _ => null };
        EntryTypeError = isCredit is null ? "LedEntryTypeRequired" : null;
        Clientele.Primitives.Currency? currency = null;
        if (!Clientele.Primitives.Currency.TryFind(Currency?.Trim().ToUpperInvariant(), out var found))
        {
            CurrencyError = string.IsNullOrWhiteSpace(Currency) ? "LedCurrencyRequired" : "LedCurrencyInvalid";
        }
        else
        {
            currency = found;
        }
        long amount = 0;
        if (string.IsNullOrWhiteSpace(Amount))
        {
            AmountError = "LedAmountRequired";
        }
        else if (currency is not null && !(MajorAmount.TryParse(Amount, currency, CultureInfo.CurrentCulture, out amount) && ManualEntryInput.IsValidAmount(amount)))
        {
            AmountError = currency.Exponent == 0 ? "LedAmountInvalidWhole" : "LedAmountInvalid";
            AmountErrorArgs = [currency.Exponent.ToString(CultureInfo.CurrentCulture)];
        }
        var reason = ManualEntryInput.Reason(Reason, out var tooLong);
        ReasonError = tooLong ? "LedReasonTooLong" : null;
        var key = IdempotencyKey is { Length: > 0 and <= ManualEntryInput.MaxIdempotencyKeyLength } k && k.StartsWith(KeyPrefix, StringComparison.Ordinal) ? k : null;
        if (key is null)
        {
            FormError = "LedFormExpired";
        }
        if (EntryTypeError is not null || CurrencyError is not null || AmountError is not null || ReasonError is not null || FormError is not null)
        {
            return await RefuseAsync();
        }

        var outcome = await entries.PostAsync(Dashboard.Tenant, Customer.Id, new ManualEntry(currency!, amount, isCredit!.Value, reason, key), HttpContext.RequestAborted);
        switch (outcome)
        {
            case ManualEntryOutcome.Done done:
                HttpContext.Items["audit:object"] = done.EntryId;
                return RedirectToPage(new { id = Customer.Id, currency = currency!.Code, notice = isCredit.Value ? "credited" : "debited" });
            case ManualEntryOutcome.Refused { Reason: LedgerOutcome.InsufficientBalance }:
                AmountError = "LedInsufficientBalance";
                return await RefuseAsync();
            case ManualEntryOutcome.Refused { Reason: LedgerOutcome.BalanceLimitExceeded }:
                AmountError = "LedBalanceLimit";
                return await RefuseAsync();
            case ManualEntryOutcome.KeyReused:
                FormError = "LedFormReused";
                return await RefuseAsync(StatusCodes.Status409Conflict);
            default:
                return NotFound();
        }
    }

    private async Task<IActionResult> RefuseAsync(int status = StatusCodes.Status422UnprocessableEntity)
    {
        Response.StatusCode = status;
        await LoadAsync(Request.Query["currency"], null);
        return Page();
    }

    private async Task LoadAsync(string? currency, string? before)
    {
        if (currency is { Length: > 0 })
        {
            if (Clientele.Primitives.Currency.TryFind(currency, out var filter))
            {
                Filter = filter;
            }
            else
            {
                FilterInvalid = true;
            }
        }
        Before = long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) && cursor > 0 ? cursor : null;
        Wallets = (await wallets.ListWalletsAsync(Dashboard.Tenant, Customer.Id, HttpContext.RequestAborted))?.Wallets ?? [];
        var page = await LedgerPage.ReadAsync(dataSource, Dashboard.Tenant, Customer.Id, Filter, Before, HttpContext.RequestAborted);
        Entries = page.Entries;
        OlderCursor = page.OlderCursor;
    }

    /// <summary>An amount for people, in the page's culture (e.g. "US$12.50"); a code not in the table as plain digits.</summary>
    public static string Format(long minorUnits, string code) =>
        Clientele.Primitives.Currency.TryFind(code, out var currency)
            ? currency.Format(minorUnits, CultureInfo.CurrentCulture)
            : $"{minorUnits.ToString(CultureInfo.CurrentCulture)} {code}";
}
