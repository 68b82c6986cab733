using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Clientele.Tests.Infrastructure;

/// <summary>axe-core on the page as it stands, in light and in dark colours: no violation passes.</summary>
public static class Accessibility
{
    public static async Task AssertCleanAsync(IPage page)
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme });
            var result = await page.RunAxe();
            var violations = string.Join("\n", result.Violations.Select(v =>
                $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}"));
            Assert.True(result.Violations.Length == 0, $"axe-core found violations on {page.Url} in {scheme} mode:\n{violations}");
        }
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });
    }
}
