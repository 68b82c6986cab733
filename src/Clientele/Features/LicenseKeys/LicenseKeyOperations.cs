using Clientele.Primitives;

namespace Clientele.Features.LicenseKeys;

/// <summary>Imports a key the merchant already has (<c>source: import</c>); the key text is unique everywhere (a unique index decides).</summary>
public sealed class ImportLicenseKey(LicenseKeyStore store)
{
    public Task<CreateKeyOutcome> RunAsync(Tenant tenant, CreateLicenseKeyRequest request, CancellationToken cancellationToken) =>
        store.CreateAsync(tenant, request, cancellationToken);
}

/// <summary>Changes a key's activation limit, disabled flag or expiry in one guarded update (never below its current activations).</summary>
public sealed class UpdateLicenseKey(LicenseKeyStore store)
{
    public Task<UpdateKeyOutcome> RunAsync(Tenant tenant, string id, LicenseKeyPatch patch, CancellationToken cancellationToken) =>
        store.UpdateAsync(tenant, id, patch, cancellationToken);
}

/// <summary>Renames an activation (instance); null when it is not one of the tenant's.</summary>
public sealed class RenameLicenseKeyInstance(LicenseKeyStore store)
{
    public Task<LicenseKeyInstanceResponse?> RunAsync(Tenant tenant, string id, InstancePatch patch, CancellationToken cancellationToken) =>
        store.UpdateInstanceAsync(tenant, id, patch, cancellationToken);
}
