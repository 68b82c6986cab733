using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Clientele.Tests.Infrastructure;

/// <summary>axe-core on the page as it stands, in light and in dark colours: no violation passes.</summary>
public static class Accessibility
{
    public static Task AssertCleanAsync(IPage page) => AssertCleanAsync(page, []);

    /// <summary>
    /// The same, except nodes of third-party markup we cannot change: each exception names one rule and a
    /// pattern its node's whole selector must match (never a rule everywhere).
    /// </summary>
    public static async Task AssertCleanAsync(IPage page, params (string Rule, Regex Selector)[] thirdParty)
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme });
            var result = await RunAxeAsync(page);
            var violations = result.Violations
                .Select(v => (v, Nodes: v.Nodes.Where(n => !thirdParty.Any(t => t.Rule == v.Id && t.Selector.IsMatch(n.Target.ToString()))).ToList()))
                .Where(x => x.Nodes.Count > 0)
                .ToList();
            var report = string.Join("\n", violations.Select(x =>
                $"{x.v.Id} ({x.v.Impact}): {x.v.Help} at {string.Join(", ", x.Nodes.Select(n => n.Target.ToString()))}"));
            Assert.True(violations.Count == 0, $"axe-core found violations on {page.Url} in {scheme} mode:\n{report}");
        }
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });
    }

    /// <summary>
    /// axe over the page as it is; a page that replaces itself while axe reads it (a progress page that
    /// reloads every few seconds) is read again once the new one has loaded, so every rendering checked is whole.
    /// </summary>
    private static async Task<Deque.AxeCore.Commons.AxeResult> RunAxeAsync(IPage page)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await page.RunAxe();
            }
            // The page replaced itself mid-run: the old context is gone, or the new one lacks the axe script injected into the old.
            catch (PlaywrightException ex) when (attempt < 5 && (ex.Message.Contains("Execution context was destroyed", StringComparison.Ordinal)
                                                                  || ex.Message.Contains("axe is not defined", StringComparison.Ordinal)))
            {
                await page.WaitForLoadStateAsync(LoadState.Load);
            }
        }
    }
}
