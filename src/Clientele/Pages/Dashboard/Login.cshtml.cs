using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Access;
using Clientele.Features.Portal.Shell;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Dashboard;

/// <summary><c>/dashboard/login</c>: asks for the e-mail address and always answers the same way, member or not.</summary>
public sealed class LoginModel(DashboardSignIn signIn, IOptions<DashboardOptions> options) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public bool Ended { get; private set; }

    public string? SentTo { get; private set; }

    public string? EmailError { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public TimeSpan LinkLifetime => options.Value.LinkLifetime;

    public void OnGet(bool ended = false)
    {
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        Ended = ended;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        var email = EmailAddress.Normalize(Email);
        if (email is null)
        {
            EmailError = string.IsNullOrWhiteSpace(Email) ? "EmailRequired" : "EmailInvalid";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var outcome = await signIn.RequestLinkAsync(email, ClientAddress.Of(HttpContext), CultureInfo.CurrentUICulture, HttpContext.RequestAborted);
        if (outcome is SignInRequestOutcome.RateLimited limited)
        {
            RetryAfter = limited.RetryAfter;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Page();
        }
        SentTo = email;
        return Page();
    }
}
