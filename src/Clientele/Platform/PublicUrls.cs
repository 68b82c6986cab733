using Clientele.Primitives;

namespace Clientele.Platform;

/// <summary>
/// Where people reach the server, per mode. The static portal link of a business is
/// <c>{base}/login/{business_id}</c>; live and test have separate bases, as in the reference product.
/// </summary>
public sealed class PublicUrlOptions
{
    public const string Section = "PublicUrls";

    public string Live { get; set; } = "http://127.0.0.1:5080";

    public string Test { get; set; } = "http://127.0.0.1:5080/test";

    public string BaseFor(Mode mode) => (mode == Mode.Live ? Live : Test).TrimEnd('/');

    public string StaticLoginLink(string businessId, Mode mode) => $"{BaseFor(mode)}/login/{businessId}";

    public string Dashboard => $"{Live.TrimEnd('/')}/dashboard";
}

/// <summary>Refuses to start with a base URL that links in e-mails and pages could not be made from.</summary>
public sealed class PublicUrlOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<PublicUrlOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, PublicUrlOptions options) =>
        new Hosting.SettingChecks(PublicUrlOptions.Section)
            .AbsoluteHttpUrl(nameof(options.Live), options.Live)
            .AbsoluteHttpUrl(nameof(options.Test), options.Test)
            .Result;
}
