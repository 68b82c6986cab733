using System.Globalization;
using Clientele.Primitives;
using Microsoft.AspNetCore.Localization;

namespace Clientele.Features.Portal.Localization;

/// <summary>
/// The languages of every page customers see (the portal and the hosted payment page): English plus
/// every culture whose satellite assembly the build produced from a <c>PortalText.{culture}.resx</c>.
/// Chosen by <c>?culture=</c>, then the language cookie (the visible switcher), then <c>Accept-Language</c> (matching on the language alone when the region differs, so
/// <c>pt-PT</c> gets <c>pt-BR</c>), then English.
/// </summary>
public static class PortalCultures
{
    public const string Default = "en";

    public static IReadOnlyList<CultureInfo> Supported { get; } = Discover();

    public static string CookieName => CookieRequestCultureProvider.DefaultCookieName;

    public static bool IsSupported(string? name) => name is not null && Supported.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The supported culture named, or the one for its language, or English.</summary>
    public static CultureInfo Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Supported[0];
        }
        var exact = Supported.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }
        var language = name.Split('-')[0];
        return Supported.FirstOrDefault(c => c.TwoLetterISOLanguageName.Equals(language, StringComparison.OrdinalIgnoreCase)) ?? Supported[0];
    }

    /// <summary>A language's own name, capitalised, for the switcher ("Português (Brasil)").</summary>
    public static string NativeName(CultureInfo culture)
    {
        var name = culture.NativeName;
        return name.Length == 0 ? culture.Name : char.ToUpper(name[0], culture) + name[1..];
    }

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Default);
            options.SupportedCultures = [.. Supported];
            options.SupportedUICultures = [.. Supported];
            options.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider { CookieName = CookieName },
                new AcceptLanguageByLanguageProvider(),
            ];
        });
        return services;
    }

    /// <summary>
    /// Texts come from the language ("es"); numbers, dates and money need a region's conventions, so
    /// formatting uses the language's default specific culture ("es" → "es-ES", "en" → "en-US"), built
    /// once per language (<see cref="CurrencyFormats.SpecificCulture"/>), not per request.
    /// </summary>
    public static IApplicationBuilder UseSpecificFormattingCulture(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (CultureInfo.CurrentCulture.IsNeutralCulture)
        {
            CultureInfo.CurrentCulture = CurrencyFormats.SpecificCulture(CultureInfo.CurrentCulture.Name);
        }
        return next(context);
    });

    private static List<CultureInfo> Discover()
    {
        var cultures = new List<CultureInfo> { CultureInfo.GetCultureInfo(Default) };
        var folder = Path.GetDirectoryName(typeof(PortalText).Assembly.Location) ?? AppContext.BaseDirectory;
        var resources = typeof(PortalText).Assembly.GetName().Name + ".resources.dll";
        foreach (var directory in Directory.EnumerateDirectories(folder))
        {
            if (!File.Exists(Path.Combine(directory, resources)))
            {
                continue;
            }
            try
            {
                var culture = CultureInfo.GetCultureInfo(Path.GetFileName(directory), predefinedOnly: true);
                if (culture.Name != Default)
                {
                    cultures.Add(culture);
                }
            }
            catch (CultureNotFoundException)
            {
                // A folder that merely looks like a satellite folder; not a language.
            }
        }
        return [cultures[0], .. cultures.Skip(1).OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    /// <summary>Accept-Language, with a fallback from a regional variant to any supported culture of the same language.</summary>
    private sealed class AcceptLanguageByLanguageProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var header = httpContext.Request.GetTypedHeaders().AcceptLanguage;
            foreach (var value in header.OrderByDescending(h => h.Quality ?? 1))
            {
                var name = value.Value.Value;
                if (name is null || name == "*")
                {
                    continue;
                }
                var exact = Supported.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                var match = exact ?? Supported.FirstOrDefault(c => c.TwoLetterISOLanguageName.Equals(name.Split('-')[0], StringComparison.OrdinalIgnoreCase));
                if (match is not null)
                {
                    return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(match.Name));
                }
            }
            return NullProviderCultureResult;
        }
    }
}
