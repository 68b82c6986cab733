using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Catalog;

/// <summary>
/// What a business lets subscribers do (per mode). Defaults: multiple subscriptions on, plan changes
/// off, cancel on, pause off; a customer's own plan change in the portal is prorated immediately.
/// </summary>
public sealed record SubscriptionSettings(bool AllowMultipleSubscriptions, bool AllowPlanChanges, bool AllowCustomerCancel, bool AllowCustomerPause,
    string PortalProrationMode = "prorated_immediately")
{
    public const string Columns = "allow_multiple_subscriptions, allow_plan_changes, allow_customer_cancel, allow_customer_pause, portal_proration_mode";

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

    public async Task<SubscriptionSettings> UpdateAsync(Tenant tenant, bool? multiple, bool? planChanges, bool? cancel, bool? pause, string? portalProrationMode, CancellationToken cancellationToken)
    {
        var defaults = SubscriptionSettings.Defaults;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<SubscriptionSettings>(new CommandDefinition($"""
            INSERT INTO subscription_settings AS s (business_id, mode, allow_multiple_subscriptions, allow_plan_changes, allow_customer_cancel, allow_customer_pause,
                portal_proration_mode, updated_at)
            VALUES (@businessId, @mode, coalesce(@multiple, @dMultiple), coalesce(@planChanges, @dPlanChanges), coalesce(@cancel, @dCancel), coalesce(@pause, @dPause),
                coalesce(@portalProrationMode, @dPortalProrationMode), @now)
            ON CONFLICT (business_id, mode) DO UPDATE SET
                allow_multiple_subscriptions = coalesce(@multiple, s.allow_multiple_subscriptions),
                allow_plan_changes = coalesce(@planChanges, s.allow_plan_changes),
                allow_customer_cancel = coalesce(@cancel, s.allow_customer_cancel),
                allow_customer_pause = coalesce(@pause, s.allow_customer_pause),
                portal_proration_mode = coalesce(@portalProrationMode, s.portal_proration_mode),
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
                dMultiple = defaults.AllowMultipleSubscriptions,
                dPlanChanges = defaults.AllowPlanChanges,
                dCancel = defaults.AllowCustomerCancel,
                dPause = defaults.AllowCustomerPause,
                dPortalProrationMode = defaults.PortalProrationMode,
                now = clock.GetUtcNow().UtcDateTime,
            }, cancellationToken: cancellationToken));
    }
}
