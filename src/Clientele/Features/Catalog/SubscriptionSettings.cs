using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Catalog;

/// <summary>
/// What a business lets subscribers do (per mode). Defaults: multiple subscriptions on, plan changes
/// off, cancel on, pause off; a customer's own plan change in the portal is prorated immediately, and
/// a customer's own cancellation takes effect at the next billing date.
/// </summary>
public sealed record SubscriptionSettings(bool AllowMultipleSubscriptions, bool AllowPlanChanges, bool AllowCustomerCancel, bool AllowCustomerPause,
    string PortalProrationMode = "prorated_immediately", string PortalCancelAt = SubscriptionSettings.CancelAtNextBillingDate)
{
    public const string Columns = "allow_multiple_subscriptions, allow_plan_changes, allow_customer_cancel, allow_customer_pause, portal_proration_mode, portal_cancel_at";

    public const string CancelAtNextBillingDate = "next_billing_date";

    public const string CancelImmediately = "immediately";

    public static IReadOnlyList<string> CancelAtValues { get; } = [CancelAtNextBillingDate, CancelImmediately];

    public static SubscriptionSettings Defaults { get; } = new(true, false, true, false);
}

public sealed class SubscriptionSettingsStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<SubscriptionSettings> GetAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SubscriptionSettings>(new CommandDefinition($"""
            SELECT {SubscriptionSettings.Columns}
            FROM subscription_settings WHERE business_id = @businessId AND mode = @mode
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken))
            ?? SubscriptionSettings.Defaults;
    }

    public Task<SubscriptionSettings> UpdateAsync(Tenant tenant, SubscriptionSettingsChange change, CancellationToken cancellationToken) =>
        UpdateAsync(tenant, change.AllowMultipleSubscriptions, change.AllowPlanChanges, change.AllowCustomerCancel, change.AllowCustomerPause,
            change.PortalProrationMode, change.PortalCancelAt, cancellationToken);

    public async Task<SubscriptionSettings> UpdateAsync(Tenant tenant, bool? multiple, bool? planChanges, bool? cancel, bool? pause, string? portalProrationMode,
        string? portalCancelAt, CancellationToken cancellationToken)
    {
        var defaults = SubscriptionSettings.Defaults;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<SubscriptionSettings>(new CommandDefinition($"""
            INSERT INTO subscription_settings AS s (business_id, mode, allow_multiple_subscriptions, allow_plan_changes, allow_customer_cancel, allow_customer_pause,
                portal_proration_mode, portal_cancel_at, updated_at)
            VALUES (@businessId, @mode, coalesce(@multiple, @dMultiple), coalesce(@planChanges, @dPlanChanges), coalesce(@cancel, @dCancel), coalesce(@pause, @dPause),
                coalesce(@portalProrationMode, @dPortalProrationMode), coalesce(@portalCancelAt, @dPortalCancelAt), @now)
            ON CONFLICT (business_id, mode) DO UPDATE SET
                allow_multiple_subscriptions = coalesce(@multiple, s.allow_multiple_subscriptions),
                allow_plan_changes = coalesce(@planChanges, s.allow_plan_changes),
                allow_customer_cancel = coalesce(@cancel, s.allow_customer_cancel),
                allow_customer_pause = coalesce(@pause, s.allow_customer_pause),
                portal_proration_mode = coalesce(@portalProrationMode, s.portal_proration_mode),
                portal_cancel_at = coalesce(@portalCancelAt, s.portal_cancel_at),
                updated_at = @now
            RETURNING {SubscriptionSettings.Columns}
            """,
            new
            {
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                multiple,
                planChanges,
                cancel,
                pause,
                portalProrationMode,
                portalCancelAt,
                dMultiple = defaults.AllowMultipleSubscriptions,
                dPlanChanges = defaults.AllowPlanChanges,
                dCancel = defaults.AllowCustomerCancel,
                dPause = defaults.AllowCustomerPause,
                dPortalProrationMode = defaults.PortalProrationMode,
                dPortalCancelAt = defaults.PortalCancelAt,
                now = clock.GetUtcNow().UtcDateTime,
            }, cancellationToken: cancellationToken));
    }
}

/// <summary>A change to the settings: null members are left as they are.</summary>
public sealed record SubscriptionSettingsChange(bool? AllowMultipleSubscriptions, bool? AllowPlanChanges, bool? AllowCustomerCancel, bool? AllowCustomerPause,
    string? PortalProrationMode, string? PortalCancelAt)
{
    /// <summary>
    /// The one reading of a change, for <c>PATCH /settings/subscriptions</c> and the dashboard's page alike;
    /// null (with the body's errors, each naming its field) when it is not valid.
    /// </summary>
    public static SubscriptionSettingsChange? Parse(Platform.Api.JsonBody body)
    {
        var multiple = body.Boolean("allow_multiple_subscriptions").Value;
        var planChanges = body.Boolean("allow_plan_changes").Value;
        var cancel = body.Boolean("allow_customer_cancel").Value;
        var pause = body.Boolean("allow_customer_pause").Value;
        // The mode a customer's own plan change in the portal uses (the API's callers choose per request).
        var portalProration = InputRules.OneOf(body, "portal_proration_mode", Subscriptions.ProrationModes.All, required: false);
        var portalCancelAt = InputRules.OneOf(body, "portal_cancel_at", [.. SubscriptionSettings.CancelAtValues], required: false);
        return body.HasErrors ? null : new SubscriptionSettingsChange(multiple, planChanges, cancel, pause, portalProration, portalCancelAt);
    }
}
