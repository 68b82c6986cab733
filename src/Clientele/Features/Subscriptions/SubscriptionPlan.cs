using Clientele.Features.Catalog;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>
/// What a subscription bills: a recurring product, a quantity and the price per period they make
/// (the product's price less its discount, per unit, times the quantity).
/// </summary>
public sealed record SubscriptionPlan(
    string ProductId,
    string ProductName,
    string? ProductDescription,
    int Quantity,
    string Currency,
    long UnitAmount,
    long Amount,
    bool TaxInclusive,
    int PaymentFrequencyCount,
    string PaymentFrequencyInterval,
    int SubscriptionPeriodCount,
    string SubscriptionPeriodInterval)
{
    public static SubscriptionPlan Of(Product product, int quantity)
    {
        var unit = product.PriceAmount - MinorUnits.Percent(product.PriceAmount, product.Discount);
        return new SubscriptionPlan(product.Id, product.Name, product.Description, quantity, product.Currency, unit, checked(unit * quantity),
            product.TaxInclusive ?? false, product.PaymentFrequencyCount!.Value, product.PaymentFrequencyInterval!,
            product.SubscriptionPeriodCount!.Value, product.SubscriptionPeriodInterval!);
    }

    /// <summary>
    /// Puts the plan on the subscription. With <paramref name="paidPeriodFrom"/> a new billing period
    /// starts then and counts as paid (full_immediately). Otherwise the dates stay; if the billing
    /// frequency changes, the anchor moves to the next billing date so later periods follow the new
    /// frequency from there.
    /// </summary>
    public Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, DateTime? paidPeriodFrom, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET product_id = @ProductId, quantity = @Quantity, currency = @Currency, unit_amount = @UnitAmount,
                recurring_pre_tax_amount = @Amount, tax_inclusive = @TaxInclusive,
                payment_frequency_count = @PaymentFrequencyCount, payment_frequency_interval = @PaymentFrequencyInterval,
                subscription_period_count = @SubscriptionPeriodCount, subscription_period_interval = @SubscriptionPeriodInterval,
                billing_anchor = CASE WHEN @paidPeriodFrom::timestamptz IS NOT NULL THEN @paidPeriodFrom
                    WHEN (payment_frequency_count, payment_frequency_interval) IS DISTINCT FROM (@PaymentFrequencyCount, @PaymentFrequencyInterval) THEN next_billing_date
                    ELSE billing_anchor END,
                next_period = CASE WHEN @paidPeriodFrom::timestamptz IS NOT NULL THEN 1
                    WHEN (payment_frequency_count, payment_frequency_interval) IS DISTINCT FROM (@PaymentFrequencyCount, @PaymentFrequencyInterval) THEN 0
                    ELSE next_period END,
                previous_billing_date = coalesce(@paidPeriodFrom, previous_billing_date),
                next_billing_date = coalesce(@nextBillingDate, next_billing_date),
                scheduled_change_id = NULL, scheduled_product_id = NULL, scheduled_quantity = NULL, scheduled_created_at = NULL,
                updated_at = @now
            WHERE id = @subscriptionId AND business_id = @businessId AND mode = @mode
            """,
            new
            {
                ProductId,
                Quantity,
                Currency,
                UnitAmount,
                Amount,
                TaxInclusive,
                PaymentFrequencyCount,
                PaymentFrequencyInterval,
                SubscriptionPeriodCount,
                SubscriptionPeriodInterval,
                paidPeriodFrom,
                nextBillingDate = paidPeriodFrom is { } start ? BillingPeriods.Add(start, PaymentFrequencyCount, PaymentFrequencyInterval) : (DateTime?)null,
                subscriptionId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                now,
            }, transaction, cancellationToken: cancellationToken));
}
