using System.Text.Json.Nodes;

namespace Clientele.Features.Catalog;

/// <summary>
/// The reference's Price union (<c>one_time_price</c>, <c>recurring_price</c>, <c>usage_based_price</c>),
/// as stored in the product row. Amounts are minor units of <see cref="Currency"/>.
/// </summary>
public sealed record Price
{
    public const string OneTime = "one_time_price";
    public const string Recurring = "recurring_price";
    public const string UsageBased = "usage_based_price";

    public static readonly string[] Intervals = ["Day", "Week", "Month", "Year"];

    public required string Type { get; init; }

    public required string Currency { get; init; }

    /// <summary><c>price</c>, or <c>fixed_price</c> for usage-based prices.</summary>
    public required long Amount { get; init; }

    public int Discount { get; init; }

    public bool PurchasingPowerParity { get; init; }

    public bool? TaxInclusive { get; init; }

    public bool PayWhatYouWant { get; init; }

    public long? SuggestedPrice { get; init; }

    public int? PaymentFrequencyCount { get; init; }

    public string? PaymentFrequencyInterval { get; init; }

    public int? SubscriptionPeriodCount { get; init; }

    public string? SubscriptionPeriodInterval { get; init; }

    public int TrialPeriodDays { get; init; }

    public long? TrialAmount { get; init; }

    public string? MetersJson { get; init; }

    public bool IsRecurring => Type != OneTime;

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["type"] = Type, ["currency"] = Currency };
        if (Type == UsageBased)
        {
            json["fixed_price"] = Amount;
        }
        else
        {
            json["price"] = Amount;
        }
        json["discount"] = Discount;
        json["purchasing_power_parity"] = PurchasingPowerParity;
        json["tax_inclusive"] = TaxInclusive;
        if (Type == OneTime)
        {
            json["pay_what_you_want"] = PayWhatYouWant;
            json["suggested_price"] = SuggestedPrice;
            return json;
        }
        json["payment_frequency_count"] = PaymentFrequencyCount;
        json["payment_frequency_interval"] = PaymentFrequencyInterval;
        json["subscription_period_count"] = SubscriptionPeriodCount;
        json["subscription_period_interval"] = SubscriptionPeriodInterval;
        if (Type == Recurring)
        {
            json["trial_period_days"] = TrialPeriodDays;
            json["trial_amount"] = TrialAmount;
        }
        else
        {
            json["meters"] = MetersJson is null ? new JsonArray() : JsonNode.Parse(MetersJson);
        }
        return json;
    }
}
