using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Clientele.Tests.Platform;

/// <summary>A bad setting stops the real server at start-up with a message that names it.</summary>
[Collection(nameof(SettingsValidationTests))]
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Refunds:BatchSize", "0", "Refunds:BatchSize must be at least 1")]
    [InlineData("Refunds:Lease", "00:00:00", "Refunds:Lease")]
    [InlineData("Subscriptions:BatchSize", "0", "Subscriptions:BatchSize must be at least 1")]
    [InlineData("Subscriptions:PollInterval", "00:00:00", "Subscriptions:PollInterval must be longer than zero")]
    [InlineData("Subscriptions:Parallelism", "-2", "Subscriptions:Parallelism must be at least 1")]
    [InlineData("Webhooks:ClaimDuration", "-00:00:05", "Webhooks:ClaimDuration must be longer than zero")]
    [InlineData("Webhooks:RequestTimeout", "00:05:00", "Webhooks:ClaimDuration must be longer than Webhooks:RequestTimeout")]
    [InlineData("Webhooks:BatchSize", "0", "Webhooks:BatchSize must be at least 1")]
    [InlineData("Email:PollInterval", "00:00:00", "Email:PollInterval must be longer than zero")]
    [InlineData("Email:FromAddress", "not an address", "Email:FromAddress must be a plain e-mail address")]
    [InlineData("Email:TestSmtp:Port", "70000", "Email:TestSmtp:Port must be between 1 and 65535")]
    [InlineData("Portal:StaticLinkLifetime", "-00:15:00", "Portal:StaticLinkLifetime must be longer than zero")]
    [InlineData("Portal:PerEmail:Window", "00:00:00", "Portal:PerEmail:Window must be longer than zero")]
    [InlineData("Portal:PerIp:Limit", "0", "Portal:PerIp:Limit must be at least 1")]
    [InlineData("LicenseKeys:PerKey:Window", "00:00:00", "LicenseKeys:PerKey:Window must be longer than zero")]
    [InlineData("PublicUrls:Live", "portal.example.com", "PublicUrls:Live must be an absolute http or https URL")]
    [InlineData("PublicUrls:Test", "ftp://example.com/test", "PublicUrls:Test must be an absolute http or https URL")]
    [InlineData("Database:ConnectionString", "Nonsense Keyword=1", "Database:ConnectionString is not a valid Npgsql connection string")]
    [InlineData("Wallets:UsdRates:EUR", "-1", "Wallets:UsdRates:EUR")]
    public async Task A_bad_setting_fails_start_up_naming_the_setting(string setting, string value, string message)
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Clientele", TestSettings.ConnectionString());
            builder.UseSetting("Subscriptions:WorkerEnabled", "false");
            builder.UseSetting("Webhooks:DispatcherEnabled", "false");
            // Only the SMTP port is wrong: the host is set so the section counts as configured.
            builder.UseSetting("Email:TestSmtp:Host", "127.0.0.1");
            builder.UseSetting(setting, value);
        });

        var failure = Record.Exception(() => factory.Server);

        Assert.NotNull(failure);
        var text = failure.ToString();
        Assert.Contains(message, text, StringComparison.Ordinal);
        // The connection string may hold a password: never repeated in the message.
        Assert.DoesNotContain("Password", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_default_settings_pass()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Clientele", TestSettings.ConnectionString());
            builder.UseSetting("Subscriptions:WorkerEnabled", "false");
            builder.UseSetting("Webhooks:DispatcherEnabled", "false");
        });

        Assert.NotNull(factory.Server);
    }
}

/// <summary>
/// Start-up failures are observed alone: a host that fails to start is torn down while other tests'
/// hosts run in the same process, and under a full parallel run that teardown was once seen to surface
/// as an ObjectDisposedException instead of the validation message.
/// </summary>
[CollectionDefinition(nameof(SettingsValidationTests), DisableParallelization = true)]
public sealed class SettingsValidationCollection;
