namespace Clientele.Features.LicenseKeys;

// The bodies' shapes for the OpenAPI document; LicenseKeyInput (the parser) is the authority on what is accepted.

/// <summary><c>POST /license_keys</c>: imports a key the merchant already has.</summary>
public sealed record ImportLicenseKeyRequest(
    string CustomerId,
    string ProductId,
    string Key,
    int? ActivationsLimit = null,
    DateTime? ExpiresAt = null);

/// <summary><c>PATCH /license_keys/{id}</c>: absent leaves a field as is; <c>null</c> removes the limit or the expiry.</summary>
public sealed record UpdateLicenseKeyRequest(
    int? ActivationsLimit = null,
    bool? Disabled = null,
    DateTime? ExpiresAt = null);

/// <summary><c>PATCH /license_key_instances/{id}</c>: <c>{}</c> changes nothing; a name is a non-blank string, never null.</summary>
public sealed record UpdateLicenseKeyInstanceRequest
{
    public string Name { get; init; } = "";
}

/// <summary><c>POST /licenses/activate</c> (public).</summary>
public sealed record ActivateLicenseKeyRequest(string LicenseKey, string Name);

/// <summary><c>POST /licenses/validate</c> (public).</summary>
public sealed record ValidateLicenseKeyRequest(string LicenseKey, string? LicenseKeyInstanceId = null);

/// <summary><c>POST /licenses/deactivate</c> (public).</summary>
public sealed record DeactivateLicenseKeyRequest(string LicenseKey, string LicenseKeyInstanceId);
