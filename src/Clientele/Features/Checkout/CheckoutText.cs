namespace Clientele.Features.Checkout;

/// <summary>Marker for the hosted payment page's strings (CheckoutText.resx and its translations).</summary>
public sealed class CheckoutText;
