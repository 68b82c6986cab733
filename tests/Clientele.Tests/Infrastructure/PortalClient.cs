using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Clientele.Tests.Infrastructure;

/// <summary>
/// A browser-like HTTP client for the portal's pages: keeps cookies, never follows redirects by
/// itself, and posts forms with the antiforgery token of the page it last read. It can connect from
/// its own loopback address (127.0.0.x), so tests count against their own per-IP rate limits.
/// </summary>
public sealed partial class PortalClient : IDisposable
{
    private readonly HttpClient http;

    public PortalClient(Uri baseAddress, IPAddress? sourceAddress = null, string? acceptLanguage = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies };
        if (sourceAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(sourceAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        http = new HttpClient(handler) { BaseAddress = baseAddress };
        if (acceptLanguage is not null)
        {
            http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }
    }

    public CookieContainer Cookies { get; } = new();

    /// <summary>The last page read, whose antiforgery token the next form post uses.</summary>
    public string LastHtml { get; private set; } = "";

    /// <summary>A fresh 127.0.0.x address, so a test's requests have an IP of their own.</summary>
    public static IPAddress UniqueLoopback() => new([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(2, 255)]);

    public async Task<Page> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response);
    }

    /// <summary>GETs, then follows redirects (as a browser would) to the final page.</summary>
    public async Task<Page> GetFollowingAsync(string path)
    {
        var page = await GetAsync(path);
        for (var hops = 0; page.Location is not null && hops < 5; hops++)
        {
            page = await GetAsync(page.Location);
        }
        return page;
    }

    public async Task<Page> PostFormAsync(string path, IDictionary<string, string>? fields = null, bool withToken = true)
    {
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>());
        if (withToken)
        {
            form["__RequestVerificationToken"] = AntiforgeryToken(LastHtml) ?? throw new InvalidOperationException("The last page had no form token.");
        }
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(path, content);
        return await ReadAsync(response);
    }

    /// <summary>A form with a file (multipart/form-data), with the antiforgery token of the last page read.</summary>
    public async Task<Page> PostMultipartAsync(string path, IDictionary<string, string> fields, string fileField, string fileName, byte[] file, string contentType)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }
        content.Add(new StringContent(AntiforgeryToken(LastHtml) ?? throw new InvalidOperationException("The last page had no form token.")), "__RequestVerificationToken");
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        content.Add(part, fileField, fileName);
        using var response = await http.PostAsync(path, content);
        return await ReadAsync(response);
    }

    public static string? AntiforgeryToken(string html) => TokenPattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    /// <summary>Removes what differs between any two renderings (antiforgery tokens), to compare pages.</summary>
    public static string WithoutTokens(string html) => TokenPattern().Replace(html, "");

    private async Task<Page> ReadAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        // An error page (404 for someone else's id, say) has no form: the last real page's token stays.
        if (response.Content.Headers.ContentType?.MediaType == "text/html" && (int)response.StatusCode < 400)
        {
            LastHtml = html;
        }
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        return new Page(response.StatusCode, html, response.Headers.Location?.ToString(), cookies, response.Headers.CacheControl?.ToString());
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

public sealed record Page(HttpStatusCode Status, string Html, string? Location, IReadOnlyList<string> SetCookies, string? CacheControl)
{
    public string Text => WebUtility.HtmlDecode(Html);
}
