using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Clientele.Platform.Api;

/// <summary>
/// The one gate for text that arrives outside JSON bodies: the raw path, the query string and
/// url-encoded form posts. NUL bytes and invalid UTF-8 are refused here (PostgreSQL cannot store
/// them and would answer a 500), as are encoded dot segments (<c>%2e%2e</c>) and empty segments,
/// which the server would otherwise collapse into another route (<c>…/groups/%2e%2e</c> is the collection).
/// JSON bodies get the same text rule in <see cref="JsonBody"/>.
/// </summary>
public static class RequestGuard
{
    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var problem = CheckPath(context) ?? CheckPairs(context.Request.QueryString.Value, "query parameter");
        if (problem is not null)
        {
            return problem.ExecuteAsync(context);
        }
        return IsFormPost(context.Request) ? CheckFormThenAsync(context, next) : next(context);
    });

    private static async Task CheckFormThenAsync(HttpContext context, RequestDelegate next)
    {
        if (await CheckFormAsync(context.Request) is { } problem)
        {
            await problem.ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static ApiErrorResult? CheckPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw.AsSpan(0, query) : raw.AsSpan();
        // The first segment is before the leading slash; a trailing slash (last segment empty) is harmless.
        var segments = path.Split('/');
        segments.MoveNext();
        while (segments.MoveNext())
        {
            var segment = path[segments.Current];
            if (segment.IsEmpty && segments.Current.End.GetOffset(path.Length) < path.Length)
            {
                return Bad("path", "must not contain an empty segment");
            }
            if (!segment.ContainsAnyExcept(PlainPathText))
            {
                continue; // nothing to decode: the common case costs no allocation
            }
            var text = segment.ToString();
            if (!TryDecode(text, plusIsSpace: false, out var decoded))
            {
                return Bad("path", "must be valid UTF-8 without NUL bytes");
            }
            if (decoded is "." or ".." && text != decoded)
            {
                return Bad("path", "must not contain encoded dot segments");
            }
        }
        return null;
    }

    /// <summary>Path text that decodes to itself: printable ASCII without <c>%</c>.</summary>
    private static readonly SearchValues<char> PlainPathText = SearchValues.Create(
        "!\"#$&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static bool IsFormPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.ContentType is { } type
        && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private static async Task<ApiErrorResult?> CheckFormAsync(HttpRequest request)
    {
        // The form reader would turn invalid UTF-8 into U+FFFD silently; read the raw body once, then let it be read again.
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return CheckPairs(text, "form field");
    }

    /// <summary>Checks <c>a=b&amp;c=d</c> text (query string or form body); the error names the parameter.</summary>
    public static ApiErrorResult? CheckPairs(string? text, string what)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        foreach (var pair in text.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var rawName = equals >= 0 ? pair[..equals] : pair;
            var rawValue = equals >= 0 ? pair[(equals + 1)..] : "";
            if (!TryDecode(rawName, plusIsSpace: true, out var name))
            {
                return Bad(what, "names must be valid UTF-8 without NUL bytes");
            }
            if (!TryDecode(rawValue, plusIsSpace: true, out _))
            {
                return Bad(name, "must be valid UTF-8 without NUL bytes");
            }
        }
        return null;
    }

    private static ApiErrorResult Bad(string field, string problem) =>
        ApiResults.BadRequest("INVALID_REQUEST", $"{field}: {problem}");

    /// <summary>Percent-decodes to bytes and then strictly as UTF-8; false for invalid UTF-8 or a NUL.</summary>
    private static bool TryDecode(string raw, bool plusIsSpace, out string decoded)
    {
        decoded = raw;
        if (raw.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }
        if (!raw.Contains('%', StringComparison.Ordinal) && !raw.Contains('+', StringComparison.Ordinal) && !HasNonAscii(raw))
        {
            return true;
        }
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // Raw text is read byte for byte (Latin-1), so each char is one byte as it came.
                if (c > 0xFF)
                {
                    return false;
                }
                bytes.Add((byte)c);
            }
        }
        if (bytes.Contains(0))
        {
            return false;
        }
        try
        {
            decoded = Strict.GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static bool HasNonAscii(string text) => text.Any(c => c >= 0x80);
}
