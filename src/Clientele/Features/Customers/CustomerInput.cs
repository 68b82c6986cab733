using Clientele.Platform.Api;
using Clientele.Primitives;

namespace Clientele.Features.Customers;

public sealed record NewCustomer(string Name, string Email, string? PhoneNumber, string MetadataJson);

/// <summary>Fields a PATCH sets; unset fields stay as they are.</summary>
public sealed record CustomerChanges(string? Name, string? Email, Optional<string?> PhoneNumber, string? MetadataJson)
{
    public bool IsEmpty => Name is null && Email is null && !PhoneNumber.IsSet && MetadataJson is null;
}

/// <summary>Validation of customer input, shared by the API and the portal's profile page.</summary>
public static class CustomerInput
{
    public const int MaxNameLength = 200;

    public static NewCustomer? ParseCreate(JsonBody body)
    {
        var name = body.RequiredText("name", MaxNameLength);
        var email = Email(body, required: true);
        var phone = Phone(body);
        var metadata = body.Element("metadata") is { IsSet: true, Value: { } element }
            ? Metadata.Validate("metadata", element, body)
            : Metadata.EmptyJson;
        return body.HasErrors ? null : new NewCustomer(name!, email!, phone.Value, metadata!);
    }

    public static CustomerChanges? ParsePatch(JsonBody body)
    {
        // In a PATCH, null means "leave as is", except phone_number where null clears it.
        var nameField = body.String("name");
        var name = nameField is { IsSet: true, Value: { } text } ? body.CheckText("name", text, MaxNameLength) : null;
        var email = Email(body, required: false);
        var phone = Phone(body);
        var metadata = body.Element("metadata") is { IsSet: true, Value: { } element }
            ? Metadata.Validate("metadata", element, body)
            : null;
        return body.HasErrors ? null : new CustomerChanges(name, email, phone, metadata);
    }

    private static string? Email(JsonBody body, bool required)
    {
        var field = body.String("email");
        if (field is { IsSet: true, Value: { } text })
        {
            var email = EmailAddress.Normalize(text);
            if (email is null)
            {
                body.AddError("email", text.Trim().Length > EmailAddress.MaxLength
                    ? $"must be at most {EmailAddress.MaxLength} characters"
                    : "is not a valid e-mail address");
            }
            return email;
        }
        if (required && !body.Errors.Any(e => e.Field == "email"))
        {
            body.AddError("email", "is required");
        }
        return null;
    }

    private static Optional<string?> Phone(JsonBody body)
    {
        var field = body.String("phone_number");
        if (field is not { IsSet: true, Value: { } text })
        {
            return field;
        }
        if (text.Trim().Length == 0)
        {
            return Optional<string?>.Of(null);
        }
        var phone = PhoneNumber.NormalizeE164(text);
        if (phone is null)
        {
            body.AddError("phone_number", "must be in E.164 format, such as +14155550123");
            return Optional<string?>.Unset;
        }
        return Optional<string?>.Of(phone);
    }
}
