using Clientele.Primitives;

namespace Clientele.Features.Payments.Processor;

/// <summary>
/// Which processor serves a mode: test mode always uses the built-in test processor; live mode
/// needs a live connector, which is not configured yet, so live checkouts are refused.
/// </summary>
public sealed class PaymentProcessors(TestPaymentProcessor testProcessor)
{
    public IPaymentProcessor? For(Tenant tenant) => tenant.Mode == Mode.Test ? testProcessor : null;
}
