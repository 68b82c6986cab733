using System.Text;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Catalog;

public sealed record ProductFilter(bool? Archived, bool? Recurring);

public enum ArchiveOutcome
{
    Done,
    NotFound,
    AlreadyInState,
}

/// <summary>Product rows, always scoped to one tenant.</summary>
public sealed class ProductStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<Product> CreateAsync(Tenant tenant, ProductFields fields, CancellationToken cancellationToken)
    {
        var id = Ids.New(Ids.Product);
        var now = clock.GetUtcNow().UtcDateTime;
        var price = fields.Price!;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO products (id, business_id, mode, name, description, tax_category, price_type, currency, price_amount,
                discount, purchasing_power_parity, tax_inclusive, pay_what_you_want, suggested_price,
                payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval,
                trial_period_days, trial_amount, meters, license_key_enabled, license_key_activations_limit,
                license_key_activation_message, license_key_duration_count, license_key_duration_interval, addons, metadata,
                created_at, updated_at)
            VALUES (@id, @businessId, @mode, @Name, @Description, @TaxCategory, @Type, @Currency, @Amount,
                @Discount, @PurchasingPowerParity, @TaxInclusive, @PayWhatYouWant, @SuggestedPrice,
                @PaymentFrequencyCount, @PaymentFrequencyInterval, @SubscriptionPeriodCount, @SubscriptionPeriodInterval,
                @TrialPeriodDays, @TrialAmount, @MetersJson::jsonb, @LicenseKeyEnabled, @LicenseKeyActivationsLimit,
                @LicenseKeyActivationMessage, @DurationCount, @DurationInterval, @Addons, @MetadataJson::jsonb,
                @now, @now)
            """,
            new
            {
                id,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                fields.Name,
                fields.Description,
                fields.TaxCategory,
                price.Type,
                price.Currency,
                price.Amount,
                price.Discount,
                price.PurchasingPowerParity,
                price.TaxInclusive,
                price.PayWhatYouWant,
                price.SuggestedPrice,
                price.PaymentFrequencyCount,
                price.PaymentFrequencyInterval,
                price.SubscriptionPeriodCount,
                price.SubscriptionPeriodInterval,
                price.TrialPeriodDays,
                price.TrialAmount,
                price.MetersJson,
                LicenseKeyEnabled = fields.LicenseKeyEnabled ?? false,
                fields.LicenseKeyActivationsLimit,
                fields.LicenseKeyActivationMessage,
                DurationCount = fields.LicenseKeyDuration?.Count,
                DurationInterval = fields.LicenseKeyDuration?.Interval,
                Addons = fields.Addons ?? [],
                fields.MetadataJson,
                now,
            },
            cancellationToken: cancellationToken));
        return (await FindAsync(connection, tenant, id, cancellationToken))!;
    }

    public async Task<Product?> FindAsync(Tenant tenant, string productId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, tenant, productId, cancellationToken);
    }

    /// <summary>The given products of this tenant (unknown ids are simply missing from the result).</summary>
    public static async Task<IReadOnlyList<Product>> FindManyAsync(NpgsqlConnection connection, Tenant tenant, IReadOnlyCollection<string> productIds, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<Product>(new CommandDefinition(
            $"SELECT {Product.Columns} FROM products p WHERE p.id = ANY(@productIds) AND p.business_id = @businessId AND p.mode = @mode",
            new { productIds = productIds.ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken))).AsList();

    public async Task<IReadOnlyList<Product>> ListAsync(Tenant tenant, ProductFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {Product.Columns} FROM products p WHERE p.business_id = @businessId AND p.mode = @mode AND p.archived = @archived");
        if (filter.Recurring is not null)
        {
            sql.Append(" AND p.is_recurring = @recurring");
        }
        sql.Append(" ORDER BY p.created_at DESC, p.id DESC LIMIT @limit OFFSET @offset");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Product>(new CommandDefinition(sql.ToString(), new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            archived = filter.Archived ?? false,
            recurring = filter.Recurring,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Applies a PATCH; returns false when there is no such product.</summary>
    public async Task<bool> UpdateAsync(Tenant tenant, string productId, ProductFields fields, CancellationToken cancellationToken)
    {
        var price = fields.Price;
        var sets = new List<string> { "updated_at = @now" };
        void Set(string column, object? value, string parameter)
        {
            if (value is not null)
            {
                sets.Add($"{column} = {parameter}");
            }
        }
        Set("name", fields.Name, "@Name");
        Set("description", fields.Description, "@Description");
        Set("tax_category", fields.TaxCategory, "@TaxCategory");
        Set("license_key_enabled", fields.LicenseKeyEnabled, "@LicenseKeyEnabled");
        Set("license_key_activations_limit", fields.LicenseKeyActivationsLimit, "@LicenseKeyActivationsLimit");
        Set("license_key_activation_message", fields.LicenseKeyActivationMessage, "@LicenseKeyActivationMessage");
        Set("license_key_duration_count", fields.LicenseKeyDuration, "@DurationCount");
        Set("license_key_duration_interval", fields.LicenseKeyDuration, "@DurationInterval");
        Set("addons", fields.Addons, "@Addons");
        Set("metadata", fields.MetadataJson, "@MetadataJson::jsonb");
        if (price is not null)
        {
            sets.Add("""
                price_type = @Type, currency = @Currency, price_amount = @Amount, discount = @Discount,
                purchasing_power_parity = @PurchasingPowerParity, tax_inclusive = @TaxInclusive,
                pay_what_you_want = @PayWhatYouWant, suggested_price = @SuggestedPrice,
                payment_frequency_count = @PaymentFrequencyCount, payment_frequency_interval = @PaymentFrequencyInterval,
                subscription_period_count = @SubscriptionPeriodCount, subscription_period_interval = @SubscriptionPeriodInterval,
                trial_period_days = @TrialPeriodDays, trial_amount = @TrialAmount, meters = @MetersJson::jsonb
                """);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE products SET {string.Join(", ", sets)} WHERE id = @productId AND business_id = @businessId AND mode = @mode",
            new
            {
                productId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                now = clock.GetUtcNow().UtcDateTime,
                fields.Name,
                fields.Description,
                fields.TaxCategory,
                fields.LicenseKeyEnabled,
                fields.LicenseKeyActivationsLimit,
                fields.LicenseKeyActivationMessage,
                DurationCount = fields.LicenseKeyDuration?.Count,
                DurationInterval = fields.LicenseKeyDuration?.Interval,
                fields.Addons,
                fields.MetadataJson,
                Type = price?.Type,
                Currency = price?.Currency,
                Amount = price?.Amount,
                Discount = price?.Discount,
                PurchasingPowerParity = price?.PurchasingPowerParity,
                TaxInclusive = price?.TaxInclusive,
                PayWhatYouWant = price?.PayWhatYouWant,
                SuggestedPrice = price?.SuggestedPrice,
                PaymentFrequencyCount = price?.PaymentFrequencyCount,
                PaymentFrequencyInterval = price?.PaymentFrequencyInterval,
                SubscriptionPeriodCount = price?.SubscriptionPeriodCount,
                SubscriptionPeriodInterval = price?.SubscriptionPeriodInterval,
                TrialPeriodDays = price?.TrialPeriodDays,
                TrialAmount = price?.TrialAmount,
                MetersJson = price?.MetersJson,
            },
            cancellationToken: cancellationToken));
        return updated == 1;
    }

    public async Task<ArchiveOutcome> SetArchivedAsync(Tenant tenant, string productId, bool archived, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition("""
            WITH target AS (SELECT id, archived FROM products WHERE id = @productId AND business_id = @businessId AND mode = @mode FOR UPDATE),
                 changed AS (UPDATE products p SET archived = @archived, updated_at = @now FROM target t
                             WHERE p.id = t.id AND t.archived <> @archived RETURNING p.id)
            SELECT EXISTS (SELECT 1 FROM changed) FROM target
            """,
            new { productId, businessId = tenant.BusinessId, mode = tenant.ModeText, archived, now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
        return row switch
        {
            null => ArchiveOutcome.NotFound,
            true => ArchiveOutcome.Done,
            false => ArchiveOutcome.AlreadyInState,
        };
    }

    private static Task<Product?> FindAsync(NpgsqlConnection connection, Tenant tenant, string productId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Product>(new CommandDefinition(
            $"SELECT {Product.Columns} FROM products p WHERE p.id = @productId AND p.business_id = @businessId AND p.mode = @mode",
            new { productId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
}
