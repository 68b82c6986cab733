using Clientele.Features.Webhooks;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>Shared steps of the settings tests: images, events, rows.</summary>
public static class SettingsTestData
{
    /// <summary>A real 1×1 PNG.</summary>
    public static byte[] Png { get; } = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    public static byte[] Svg(string inner = "<circle cx=\"12\" cy=\"12\" r=\"10\" fill=\"#0f766e\"/>") =>
        System.Text.Encoding.UTF8.GetBytes($"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\">{inner}</svg>");

    public static Dictionary<string, string> BrandingFields(string name, string? accent = null, string? email = null, string? privacy = null, string? terms = null) => new()
    {
        ["Name"] = name,
        ["AccentColor"] = accent ?? "",
        ["SupportEmail"] = email ?? "",
        ["PrivacyUrl"] = privacy ?? "",
        ["TermsUrl"] = terms ?? "",
    };

    /// <summary>Writes an event of the business's test mode as a feature does (in a transaction), with one delivery per endpoint that wants it.</summary>
    public static async Task<string> EmitAsync(AppFixture app, string businessId, string type = "payment.succeeded")
    {
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var eventId = await app.Services.GetRequiredService<WebhookOutbox>().EnqueueAsync(
            connection, transaction, new Tenant(businessId, Mode.Test), type, "Payment", new { payment_id = "pay_settings_test" }, CancellationToken.None);
        await transaction.CommitAsync();
        return eventId;
    }

    public static async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? default!;
    }

    public static async Task<List<T>> QueryAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }
}
