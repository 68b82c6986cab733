using System.Text.RegularExpressions;

namespace Clientele.Primitives;

public static partial class PhoneNumber
{
    /// <summary>
    /// An E.164 number: "+", a country code that does not start with 0, 8 to 15 digits in all.
    /// Spaces, dashes, dots and brackets people type are removed first.
    /// </summary>
    public static string? NormalizeE164(string? input)
    {
        if (input is null)
        {
            return null;
        }
        var compact = Separators().Replace(input.Trim(), "");
        return E164().IsMatch(compact) ? compact : null;
    }

    [GeneratedRegex(@"[\s\-\.\(\)]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();
}
