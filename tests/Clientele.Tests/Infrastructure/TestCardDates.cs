namespace Clientele.Tests.Infrastructure;

/// <summary>
/// Card expiry dates that stay valid: computed from today's date, never a fixed year (a fixed year
/// turns into failing tests the month it passes).
/// </summary>
public static class TestCardDates
{
    public static int ExpiryYear => TimeProvider.System.GetUtcNow().Year + 5;

    /// <summary>December, five years on, as the payment form takes it (<c>MM/YY</c>).</summary>
    public static string Expiry => $"12/{ExpiryYear % 100:00}";
}
