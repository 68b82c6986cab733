using System.Text.Json;
using Clientele.Features.Catalog;
using Clientele.Features.Checkout;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform.Api;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Profile;

/// <summary>What the customer wants printed on later invoices: a billing address and a tax id (each optional).</summary>
public sealed record InvoiceDetails(BillingAddress? Address, string? TaxId)
{
    public static InvoiceDetails None { get; } = new(null, null);
}

/// <summary>The form's fields as typed (blank is "none").</summary>
public sealed record InvoiceDetailsForm(string? Country, string? Street, string? City, string? State, string? Zipcode, string? TaxId);

/// <summary>
/// The customer's invoice details, kept on the customer (<c>customers.invoice_details</c>) and copied
/// into each invoice issued afterwards (<see cref="Invoices.DocumentNumbers.IssueInvoiceAsync"/>).
/// The address is checked by the API's own BillingAddress rule (country ISO 3166-1 alpha-2 when any
/// line is given; line lengths), the tax id by the subscriptions API's rule.
/// </summary>
public sealed class InvoiceDetailsStore(NpgsqlDataSource dataSource, ILogger<InvoiceDetailsStore> logger)
{
    public async Task<InvoiceDetails> GetAsync(NpgsqlConnection connection, PortalSession session, CancellationToken cancellationToken)
    {
        var json = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT invoice_details::text FROM customers WHERE id = @customerId AND business_id = @businessId AND mode = @mode",
            Args(session), cancellationToken: cancellationToken));
        if (json is null)
        {
            return InvoiceDetails.None;
        }
        var stored = JsonSerializer.Deserialize<Stored>(json, ApiJson.Options)!;
        return new InvoiceDetails(stored.Billing, stored.TaxId);
    }

    /// <summary>Saves the details (all blank clears them), or names the refused fields as the API does (<c>billing.country</c>, <c>tax_id</c>).</summary>
    public async Task<DetailsOutcome> SaveAsync(PortalSession session, InvoiceDetailsForm form, CancellationToken cancellationToken)
    {
        static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        var lines = new Dictionary<string, string?>
        {
            ["country"] = Clean(form.Country)?.ToUpperInvariant(),
            ["street"] = Clean(form.Street),
            ["city"] = Clean(form.City),
            ["state"] = Clean(form.State),
            ["zipcode"] = Clean(form.Zipcode),
        }.Where(l => l.Value is not null).ToDictionary(l => l.Key, l => l.Value);
        var request = new Dictionary<string, object?>();
        if (lines.Count > 0)
        {
            request["billing"] = lines;
        }
        if (Clean(form.TaxId) is { } taxId)
        {
            request["tax_id"] = taxId;
        }
        var body = JsonBody.Of(JsonSerializer.SerializeToElement(request));
        var address = CheckoutInput.ParseBilling(body, "billing", required: false);
        var tax = InputRules.OptionalText(body, "tax_id", 64);
        if (body.Errors.Count > 0)
        {
            return new DetailsOutcome.Invalid([.. body.Errors.Select(e => e.Field).Distinct()]);
        }
        var stored = address is null && tax is null ? null : JsonSerializer.Serialize(new Stored(address, tax), ApiJson.Options);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE customers SET invoice_details = @stored::jsonb WHERE id = @customerId AND business_id = @businessId AND mode = @mode",
            new { stored, session.CustomerId, session.Tenant.BusinessId, mode = session.Tenant.ModeText }, cancellationToken: cancellationToken));
        logger.LogInformation("Customer {CustomerId} of {BusinessId} ({Mode}) updated their invoice details in the portal", session.CustomerId, session.Tenant.BusinessId, session.Tenant.ModeText);
        return new DetailsOutcome.Updated();
    }

    private static object Args(PortalSession session) => new { session.CustomerId, session.Tenant.BusinessId, mode = session.Tenant.ModeText };

    // The stored shape: the reference's BillingAddress under "billing", and "tax_id" — what the invoice's buyer takes.
    private sealed record Stored(BillingAddress? Billing, string? TaxId);
}
