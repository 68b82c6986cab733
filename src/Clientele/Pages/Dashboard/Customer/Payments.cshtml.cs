using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Invoices;
using Clientele.Features.Portal.Billing;
using Clientele.Features.Refunds;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/payments</c>: the customer's payments, newest first, keyset-paged
/// (<c>before</c>), with their refunds; the invoice and credit-note PDFs of this customer's payments are
/// served here to the signed-in person (the same documents the API serves), never through a public link.
/// </summary>
public sealed class PaymentsModel(CustomerPayments payments, RefundQueries refunds, InvoiceStore invoices, IConfiguration configuration) : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Payments;

    public CustomerPaymentPage Result { get; private set; } = null!;

    /// <summary>Whether this is a later page (a link back to the newest).</summary>
    public bool IsOlderPage { get; private set; }

    /// <summary>The refund just made, as it stands now (its status shows whether it settled).</summary>
    public RefundRow? Refund { get; private set; }

    public async Task OnGetAsync(string? before, string? refund, CancellationToken cancellationToken)
    {
        IsOlderPage = before is { Length: > 0 and <= 64 };
        Result = await payments.ListAsync(Dashboard.Tenant, Customer.Id, IsOlderPage ? before : null, cancellationToken);
        if (refund is { Length: > 0 and <= 64 } && await refunds.FindAsync(Dashboard.Tenant, refund, cancellationToken) is { } made && made.CustomerId == Customer.Id)
        {
            Refund = made;
        }
    }

    public async Task<IActionResult> OnGetInvoiceAsync(string? payment, CancellationToken cancellationToken)
    {
        if (payment is not { Length: > 0 and <= 64 } || await payments.FindAsync(Dashboard.Tenant, Customer.Id, payment, cancellationToken) is null
            || await invoices.LoadForPaymentAsync(payment, Dashboard.Tenant, null, cancellationToken) is not { } document)
        {
            return NotFound();
        }
        return this.Pdf(configuration, document);
    }

    public async Task<IActionResult> OnGetCreditNoteAsync(string? refund, CancellationToken cancellationToken)
    {
        if (refund is not { Length: > 0 and <= 64 } || !await payments.OwnsRefundAsync(Dashboard.Tenant, Customer.Id, refund, cancellationToken)
            || await invoices.LoadForRefundAsync(refund, Dashboard.Tenant, null, cancellationToken) is not { } document)
        {
            return NotFound();
        }
        return this.Pdf(configuration, document);
    }
}
