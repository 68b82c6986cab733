using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Refunds;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/payments/{paymentId}/refund</c>: the confirm step of a refund. It shows what
/// is still refundable per line; the form (full, or amounts per line, and a reason) goes through the API's
/// parser and <see cref="RefundService"/> with the form's idempotency key, so a double submit makes one refund.
/// </summary>
[RequirePermission(DashboardPermission.IssueRefunds)]
public sealed partial class RefundModel(CustomerPayments payments, RefundService refunds) : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Payments;

    public CustomerPayment Payment { get; private set; } = null!;

    public Currency Currency { get; private set; } = Currency.USD;

    /// <summary>full or partial.</summary>
    [BindProperty]
    public string Kind { get; set; } = "full";

    /// <summary>Per product id, the amount typed (major units).</summary>
    [BindProperty]
    public Dictionary<string, string?> Amounts { get; set; } = [];

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>Fresh per rendering of the form; kept when the form comes back with errors.</summary>
    [BindProperty]
    public string Key { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>Field (<c>kind</c>, <c>reason</c>, <c>amount_{product}</c>) → resource key or the operation's words.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(string paymentId, CancellationToken cancellationToken) =>
        await LoadAsync(paymentId, cancellationToken) ? Page() : NotFound();

    [RequirePermission(DashboardPermission.IssueRefunds)]
    public async Task<IActionResult> OnPostAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(paymentId, cancellationToken))
        {
            return NotFound();
        }
        if (Key is not { Length: > 0 and <= 64 } || !KeyPattern().IsMatch(Key))
        {
            return BadRequest();
        }
        var body = new JsonObject { ["payment_id"] = Payment.Id };
        if (Reason is { Length: > 0 } reason)
        {
            body["reason"] = reason;
        }
        var lines = Payment.Lines;
        if (Kind == "partial")
        {
            var items = new JsonArray();
            foreach (var line in lines)
            {
                var typed = Amounts.GetValueOrDefault(line.ProductId);
                if (string.IsNullOrWhiteSpace(typed))
                {
                    continue;
                }
                if (!MajorAmount.TryParse(typed, Currency, CultureInfo.CurrentCulture, out var amount))
                {
                    Errors["amount_" + line.ProductId] = "DetRefundAmountInvalid";
                    continue;
                }
                if (amount > 0)
                {
                    items.Add(new JsonObject { ["item_id"] = line.ProductId, ["amount"] = amount });
                }
            }
            if (items.Count == 0 && Errors.Count == 0)
            {
                Errors["kind"] = "DetRefundNoLines";
            }
            body["items"] = items;
        }
        if (Errors.Count > 0)
        {
            return Refused();
        }
        var parsed = JsonBody.Of(JsonSerializer.SerializeToElement(body));
        if (RefundInput.Parse(parsed) is not { } request)
        {
            foreach (var error in parsed.Errors)
            {
                Errors.TryAdd(FieldOf(error.Field, body), error.Problem);
            }
            return Refused();
        }
        switch (await refunds.CreateAsync(Dashboard.Tenant, request with { IdempotencyKey = Key }, cancellationToken))
        {
            case RefundOutcome.Created created:
                HttpContext.Items["audit:object"] = created.RefundId;
                return RedirectToPage("/Dashboard/Customer/Payments", new { id = Customer.Id, refund = created.RefundId });
            case RefundOutcome.Invalid invalid:
                Errors.TryAdd(FieldOf(invalid.Error.Field, body), invalid.Error.Problem);
                await LoadAsync(paymentId, cancellationToken);
                return Refused();
            default:
                return NotFound();
        }
    }

    /// <summary>The form field an operation's field (<c>items[1].amount</c>, <c>reason</c>, <c>payment_id</c>) belongs to.</summary>
    private static string FieldOf(string field, JsonObject body)
    {
        var item = ItemField().Match(field);
        if (item.Success && body["items"] is JsonArray items && int.Parse(item.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var index && index < items.Count)
        {
            return "amount_" + items[index]!["item_id"]!.GetValue<string>();
        }
        return field == "reason" ? "reason" : "kind";
    }

    private PageResult Refused()
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (paymentId is not { Length: > 0 and <= 64 } || await payments.FindAsync(Dashboard.Tenant, Customer.Id, paymentId, cancellationToken) is not { } payment)
        {
            return false;
        }
        Payment = payment;
        Currency = Currency.TryFind(payment.Currency, out var currency) ? currency : Currency.USD;
        return true;
    }

    [GeneratedRegex(@"^items\[(\d+)\]")]
    private static partial Regex ItemField();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex KeyPattern();
}
