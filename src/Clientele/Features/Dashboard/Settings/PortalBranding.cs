using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.Settings;

/// <summary>A business's portal branding as the settings page shows it.</summary>
public sealed record Branding(string BusinessId, string Name, string? LogoUrl, bool HasUploadedLogo, string? AccentColor, string? SupportEmail, string? PrivacyUrl, string? TermsUrl);

/// <summary>What a save did: the branding as it now stands, or the fields refused (resource keys), with any warnings.</summary>
public sealed record BrandingOutcome(Branding? Saved, IReadOnlyDictionary<string, string> Errors, IReadOnlyDictionary<string, string> Warnings)
{
    public bool Succeeded => Saved is not null;
}

/// <summary>
/// Portal branding of a business (both modes share it): name, logo, accent colour, support e-mail, privacy and
/// terms links. Everything the form sends is checked first (<see cref="BrandingRules"/>, <see cref="LogoFile"/>),
/// then written in one transaction — the business row and its logo together, or nothing.
/// An uploaded logo is served by <see cref="LogoEndpoint"/>; <c>businesses.logo_url</c> points there, with the
/// logo's hash in the path, so every page that shows the brand (portal, checkout) shows it.
/// </summary>
public sealed class PortalBranding(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<Branding?> GetAsync(string businessId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Branding>(new CommandDefinition("""
            SELECT b.id AS business_id, b.name, b.logo_url, (l.business_id IS NOT NULL) AS has_uploaded_logo, b.accent_color, b.support_email, b.privacy_url, b.terms_url
            FROM businesses b LEFT JOIN business_logos l ON l.business_id = b.id
            WHERE b.id = @businessId
            """, new { businessId }, cancellationToken: cancellationToken));
    }

    /// <param name="logo">The uploaded file's bytes, or null when none was chosen.</param>
    /// <param name="removeLogo">Remove the current logo (ignored when a new one is uploaded).</param>
    public async Task<BrandingOutcome> SaveAsync(string businessId, BrandingForm form, byte[]? logo, bool removeLogo, CancellationToken cancellationToken)
    {
        var (values, errors, warnings) = BrandingRules.Validate(form);
        LogoImage? image = null;
        if (logo is not null)
        {
            (image, var logoError) = LogoFile.Check(logo);
            if (logoError is not null)
            {
                errors = new Dictionary<string, string>(errors) { ["Logo"] = logoError };
            }
        }
        if (values is null || errors.Count > 0)
        {
            return new BrandingOutcome(null, errors, warnings);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? logoUrl = null;
        if (image is not null)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(image.Content))[..20];
            logoUrl = LogoEndpoint.PathOf(businessId, hash);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO business_logos (business_id, content_type, content, hash, updated_at) VALUES (@businessId, @contentType, @content, @hash, @now)
                ON CONFLICT (business_id) DO UPDATE SET content_type = EXCLUDED.content_type, content = EXCLUDED.content, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at
                """, new { businessId, contentType = image.ContentType, content = image.Content, hash, now }, transaction, cancellationToken: cancellationToken));
        }
        else if (removeLogo)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM business_logos WHERE business_id = @businessId", new { businessId }, transaction, cancellationToken: cancellationToken));
        }
        var changed = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE businesses SET name = @name, accent_color = @accent, support_email = @email, privacy_url = @privacy, terms_url = @terms,
                logo_url = CASE WHEN @logoUrl IS NOT NULL THEN @logoUrl WHEN @removeLogo THEN NULL ELSE logo_url END
            WHERE id = @businessId
            """,
            new
            {
                businessId,
                name = values.Name,
                accent = values.AccentColor,
                email = values.SupportEmail,
                privacy = values.PrivacyUrl,
                terms = values.TermsUrl,
                logoUrl,
                removeLogo = removeLogo && image is null,
            }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return new BrandingOutcome(null, new Dictionary<string, string> { ["Name"] = "SetErrNameRequired" }, warnings);
        }
        await transaction.CommitAsync(cancellationToken);
        return new BrandingOutcome(await GetAsync(businessId, cancellationToken), errors, warnings);
    }
}
