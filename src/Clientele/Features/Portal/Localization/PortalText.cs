namespace Clientele.Features.Portal.Localization;

/// <summary>
/// The portal's strings (pages and e-mails): <c>PortalText.resx</c> is English and the fallback;
/// <c>PortalText.{culture}.resx</c> beside it translates every key. Adding a language is adding one
/// such file: the build makes its satellite assembly and <see cref="PortalCultures"/> finds it.
/// </summary>
public sealed class PortalText;
