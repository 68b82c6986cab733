using Clientele.Features.Checkout;
using Clientele.Features.Invoices;
using Clientele.Features.Payments.Processor;
using Clientele.Platform.Hosting;

namespace Clientele.Features.Payments;

public static class PaymentsServices
{
    public static IHostApplicationBuilder AddPayments(this IHostApplicationBuilder builder)
    {
        builder.AddHostedPages();
        builder.Services.AddSingleton<TestProcessorFaults>();
        builder.Services.AddSingleton<TestPaymentProcessor>();
        builder.Services.AddSingleton<PaymentProcessors>();
        builder.Services.AddSingleton<CheckoutStore>();
        builder.Services.AddSingleton<CheckoutService>();
        builder.Services.AddSingleton<CreateCheckout>();
        builder.Services.AddSingleton<StartCardSave>();
        builder.Services.AddSingleton<PaymentEvents>();
        builder.Services.AddSingleton<PaymentEmails>();
        builder.Services.AddSingleton<PaymentRecorder>();
        builder.Services.AddSingleton<PaymentWriter>();
        builder.Services.AddSingleton<PaymentQueries>();
        builder.Services.AddSingleton<InvoiceStore>();
        builder.Services.AddSingleton<PaymentMethodStore>();
        builder.Services.AddSingleton<RemovePaymentMethod>();
        return builder;
    }
}
