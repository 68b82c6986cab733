using System.Text.Json;
using Clientele.Platform.Api;

namespace Clientele.Features.Catalog;

/// <summary>Reads the reference's Price union from a request body; errors name <c>price.field</c>.</summary>
public static class PriceInput
{
    private static readonly string[] Types = [Price.OneTime, Price.Recurring, Price.UsageBased];

    public static Price? Parse(JsonBody body, string field, bool required)
    {
        var element = body.Element(field);
        if (element.Value is not { } value)
        {
            if (required && !body.HasErrorFor(field))
            {
                body.AddError(field, "is required");
            }
            return null;
        }
        var price = body.Child(field, value);
        if (price is null)
        {
            return null;
        }
        var type = InputRules.OneOf(price, "type", Types, required: true);
        var currency = InputRules.CurrencyCode(price, "currency", required: true);
        var amountField = type == Price.UsageBased ? "fixed_price" : "price";
        var amount = InputRules.Integer(price, amountField, 0, InputRules.MaxAmount, required: true);
        var discount = InputRules.Integer(price, "discount", 0, 100, required: false) ?? 0;
        var ppp = InputRules.Boolean(price, "purchasing_power_parity", required: false) ?? false;
        var taxInclusive = InputRules.Boolean(price, "tax_inclusive", required: false);
        if (type is null)
        {
            return null;
        }
        if (type == Price.OneTime)
        {
            var payWhatYouWant = InputRules.Boolean(price, "pay_what_you_want", required: false) ?? false;
            var suggested = InputRules.Integer(price, "suggested_price", 0, InputRules.MaxAmount, required: false);
            if (suggested is not null && !payWhatYouWant)
            {
                price.AddError("suggested_price", "is only allowed with pay_what_you_want");
            }
            return body.HasErrors ? null : new Price
            {
                Type = type,
                Currency = currency!,
                Amount = amount!.Value,
                Discount = (int)discount,
                PurchasingPowerParity = ppp,
                TaxInclusive = taxInclusive,
                PayWhatYouWant = payWhatYouWant,
                SuggestedPrice = suggested,
            };
        }

        var frequencyCount = InputRules.Integer(price, "payment_frequency_count", 1, 1000, required: true);
        var frequencyInterval = InputRules.OneOf(price, "payment_frequency_interval", Price.Intervals, required: true);
        var periodCount = InputRules.Integer(price, "subscription_period_count", 1, 1000, required: true);
        var periodInterval = InputRules.OneOf(price, "subscription_period_interval", Price.Intervals, required: true);
        var trialDays = type == Price.Recurring ? InputRules.Integer(price, "trial_period_days", 0, 10000, required: false) ?? 0 : 0;
        var trialAmount = type == Price.Recurring ? InputRules.Integer(price, "trial_amount", 0, InputRules.MaxAmount, required: false) : null;
        var meters = type == Price.UsageBased ? Meters(price) : null;
        return body.HasErrors ? null : new Price
        {
            Type = type,
            Currency = currency!,
            Amount = amount!.Value,
            Discount = (int)discount,
            PurchasingPowerParity = ppp,
            TaxInclusive = taxInclusive,
            PaymentFrequencyCount = (int)frequencyCount!.Value,
            PaymentFrequencyInterval = frequencyInterval,
            SubscriptionPeriodCount = (int)periodCount!.Value,
            SubscriptionPeriodInterval = periodInterval,
            TrialPeriodDays = (int)trialDays,
            TrialAmount = trialAmount,
            MetersJson = meters,
        };
    }

    /// <summary>Usage-based meters are stored as given (metering comes later), but each must name its meter.</summary>
    private static string? Meters(JsonBody price)
    {
        if (price.Element("meters").Value is not { } meters)
        {
            return null;
        }
        if (meters.ValueKind != JsonValueKind.Array)
        {
            price.AddError("meters", "must be an array");
            return null;
        }
        var index = 0;
        foreach (var meter in meters.EnumerateArray())
        {
            var item = price.Child($"meters[{index++}]", meter);
            if (item is not null && item.String("meter_id").Value is not { Length: > 0 })
            {
                item.AddError("meter_id", "is required");
            }
        }
        return meters.GetRawText();
    }
}
