using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Features.Customers;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/edit</c>: name, e-mail, phone and metadata through the API's own parser
/// (<see cref="CustomerInput.ParsePatch"/>) and operation (<see cref="UpdateCustomer"/>); each refusal is
/// named next to its field and the form comes back with 422.
/// </summary>
[RequirePermission(DashboardPermission.EditData)]
public sealed class EditModel(UpdateCustomer updateCustomer) : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.About;

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    /// <summary>The metadata as a JSON object (string, number and boolean values), as the API takes it.</summary>
    [BindProperty]
    public string? Metadata { get; set; }

    /// <summary>The API's field names (name, email, phone_number, metadata) with the problem, in the API's words.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public void OnGet()
    {
        Name = Customer.Name;
        Email = Customer.Email;
        Phone = Customer.PhoneNumber;
        Metadata = JsonSerializer.Serialize(JsonDocument.Parse(Customer.Metadata).RootElement, Indented);
    }

    [RequirePermission(DashboardPermission.EditData)]
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = Name ?? "",
            ["email"] = Email ?? "",
            ["phone_number"] = Phone ?? "",
        };
        var metadataText = string.IsNullOrWhiteSpace(Metadata) ? "{}" : Metadata;
        try
        {
            body["metadata"] = JsonNode.Parse(metadataText);
        }
        catch (JsonException)
        {
            Errors["metadata"] = "DetEditMetadataNotJson";
        }
        if (Errors.Count == 0)
        {
            var parsed = JsonBody.Of(JsonSerializer.SerializeToElement(body));
            if (CustomerInput.ParsePatch(parsed) is { } changes)
            {
                switch (await updateCustomer.RunAsync(Dashboard.Tenant, Customer.Id, changes, cancellationToken))
                {
                    case UpdateOutcome.Updated:
                        HttpContext.Items["audit:object"] = Customer.Id;
                        return RedirectToPage("/Dashboard/Customer/About", new { id = Customer.Id, notice = "DetEditSaved" });
                    case UpdateOutcome.EmailTaken:
                        Errors["email"] = "DetEditEmailTaken";
                        break;
                    default:
                        return NotFound();
                }
            }
            else
            {
                foreach (var error in parsed.Errors)
                {
                    var field = error.Field.StartsWith("metadata", StringComparison.Ordinal) ? "metadata" : error.Field;
                    Errors.TryAdd(field, error.Field == field ? error.Problem : $"{error.Field}: {error.Problem}");
                }
            }
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
