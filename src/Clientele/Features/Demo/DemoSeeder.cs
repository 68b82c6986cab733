using Bogus;
using Clientele.Features.Businesses;
using Clientele.Features.Customers;
using Clientele.Platform;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Demo;

public sealed record DemoSeedResult(
    string BusinessId,
    string BusinessName,
    string TestApiKey,
    int CustomersCreated,
    int CustomersTotal,
    string StaticLinkTest,
    string StaticLinkLive,
    string DashboardOwnerEmail,
    string DashboardSignInLink);

/// <summary>
/// Seeds "Acme Software" with ~50 test-mode customers. Safe to run again: the business and
/// customers are found, not duplicated; only the demo API key is replaced (keys are shown once).
/// </summary>
public sealed class DemoSeeder(
    NpgsqlDataSource dataSource,
    BusinessStore businesses,
    CustomerStore customers,
    Dashboard.Team.DashboardTeam team,
    IOptions<PublicUrlOptions> urls,
    TimeProvider clock)
{
    public const string BusinessName = "Acme Software";
    public const string DemoKeyName = "demo";
    public const int CustomerCount = 50;
    public const string OwnerEmail = "owner@acme.example";

    public async Task<DemoSeedResult> SeedAsync(CancellationToken cancellationToken = default)
    {
        var business = await FindOrCreateBusinessAsync(cancellationToken);
        var test = new Tenant(business.Id, Mode.Test);

        var created = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (person, index) in DemoPeople().Select((p, i) => (p, i)))
        {
            var (_, isNew) = await customers.CreateOrGetAsync(test, person, cancellationToken);
            created += isNew ? 1 : 0;
            if (isNew)
            {
                await BackdateAsync(test, person.Email, now.AddHours(-7 * (CustomerCount - index)), cancellationToken);
            }
        }

        await businesses.RevokeNamedKeysAsync(business.Id, Mode.Test, DemoKeyName, cancellationToken);
        var key = await businesses.CreateApiKeyAsync(business.Id, Mode.Test, DemoKeyName, cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*) FROM customers WHERE business_id = @id AND mode = 'test'", new { id = business.Id }, cancellationToken: cancellationToken));

        // The demo's owner, and a fresh single-use sign-in link so a newcomer is one click from the dashboard.
        var signInLink = await team.EnsureMemberWithLinkAsync(business.Id, OwnerEmail, Dashboard.DashboardRole.Owner, cancellationToken);

        var links = urls.Value;
        return new DemoSeedResult(business.Id, business.Name, key.Secret, created, total,
            links.StaticLoginLink(business.Id, Mode.Test), links.StaticLoginLink(business.Id, Mode.Live), OwnerEmail, signInLink);
    }

    private async Task<Business> FindOrCreateBusinessAsync(CancellationToken cancellationToken)
    {
        if (await businesses.FindDemoAsync(cancellationToken) is { } existing)
        {
            return existing;
        }
        try
        {
            var business = await businesses.CreateAsync(BusinessName, isDemo: true, cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE businesses SET accent_color = '#4f46e5', support_email = 'support@acme.example' WHERE id = @id",
                new { id = business.Id }, cancellationToken: cancellationToken));
            return business;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another seeder made it first.
            return await businesses.FindDemoAsync(cancellationToken) ?? throw new InvalidOperationException("Demo business vanished.", ex);
        }
    }

    /// <summary>Spreads demo sign-ups over recent weeks so lists and date filters have something to show.</summary>
    private async Task BackdateAsync(Tenant tenant, string email, DateTime createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE customers SET created_at = @createdAt, updated_at = @createdAt WHERE business_id = @businessId AND mode = @mode AND lower(email) = lower(@email)",
            new { createdAt, businessId = tenant.BusinessId, mode = tenant.ModeText, email }, cancellationToken: cancellationToken));
    }

    /// <summary>The same 50 people every run (fixed seed), on reserved example domains.</summary>
    private static IEnumerable<NewCustomer> DemoPeople()
    {
        var faker = new Faker("en") { Random = new Randomizer(20261121) };
        string[] domains = ["example.com", "example.org", "example.net"];
        for (var i = 0; i < CustomerCount; i++)
        {
            var first = faker.Name.FirstName();
            var last = faker.Name.LastName();
            var email = $"{first}.{last}{(i % 7 == 0 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}@{domains[i % domains.Length]}".ToLowerInvariant().Replace("'", "", StringComparison.Ordinal);
            var phone = i % 3 == 0 ? $"+1415555{faker.Random.Int(1000, 9999)}" : null;
            var plan = i % 4 == 0 ? "team" : "solo";
            yield return new NewCustomer($"{first} {last}", email, phone, $"{{\"signup_source\":\"demo\",\"plan\":\"{plan}\"}}");
        }
    }
}
