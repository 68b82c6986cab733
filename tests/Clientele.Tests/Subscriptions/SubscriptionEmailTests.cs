using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Clientele.Platform.Email;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Subscriptions;

/// <summary>
/// The customer's subscription e-mails: one per change, queued with it, in the customer's portal
/// language, naming the product, the business and the date, linking to the business's portal login
/// page and holding no card data.
/// </summary>
public sealed partial class SubscriptionEmailTests(AppFixture app)
{
    private const string CancelScheduledKind = "subscription_cancel_scheduled";
    private const string CancelledKind = "subscription_cancelled";

    [Fact]
    public async Task Scheduling_the_cancellation_sends_an_email_naming_the_product_business_and_end_date_with_the_portal_login_link()
    {
        var business = await app.CreateBusinessAsync("Cancel Co");
        var (subscriptionId, _, email) = await ActiveSubscriptionAsync(business, "Team Plan", "scheduled");

        var patched = await business.Test.PatchJsonAsync($"/subscriptions/{subscriptionId}", new { cancel_at_next_billing_date = true });
        Assert.True(patched["cancel_at_next_billing_date"]!.GetValue<bool>());
        Assert.Equal("active", patched.Str("status"));
        // Paid monthly: the subscription ends when the month just paid for ends.
        var end = patched["next_billing_date"]!.GetValue<DateTime>();
        var now = DateTime.UtcNow;
        Assert.InRange(end, now.AddMonths(1).AddDays(-1), now.AddMonths(1).AddDays(1));
        var endText = end.ToString("D", CultureInfo.GetCultureInfo("en-US"));
        Assert.Contains(end.ToString("MMMM", CultureInfo.InvariantCulture), endText, StringComparison.Ordinal);

        var mail = await SingleAsync(email, CancelScheduledKind);
        Assert.Equal($"Your Team Plan subscription will end on {endText}", mail.Subject);
        Assert.Equal(business.Id, mail.BusinessId);
        Assert.Equal("test", mail.Mode);
        Assert.StartsWith("Hello Sam Subscriber,", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Your Team Plan subscription with Cancel Co will end on {endText} and will not renew.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Manage your subscription: ", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("lang=\"en\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Cancel Co", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(endText), mail.HtmlBody, StringComparison.Ordinal);

        // The button goes to the business's static portal login page (test mode), which opens.
        var link = Mailbox.LinkIn(mail);
        Assert.Equal($"{app.BaseAddress}test/login/{business.Id}", link);
        Assert.Contains($"href=\"{link}\"", mail.HtmlBody, StringComparison.Ordinal);
        using var anonymous = app.CreateAnonymousClient();
        using var login = await anonymous.GetAsync(Mailbox.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Sign in to Cancel Co", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // No card data: neither the number paid with nor any long run of digits.
        var everything = mail.Subject + mail.TextBody + mail.HtmlBody;
        Assert.DoesNotContain("4242", everything, StringComparison.Ordinal);
        Assert.DoesNotMatch(CardLike(), everything);
    }

    [Fact]
    public async Task Cancelling_now_sends_the_cancelled_email_in_brazilian_portuguese_to_a_customer_whose_portal_language_is_pt_BR()
    {
        var business = await app.CreateBusinessAsync("Loja Azul");
        var (subscriptionId, customerId, email) = await ActiveSubscriptionAsync(business, "Plano Ouro", "ptbr");
        await SetPortalCultureAsync(customerId, "pt-BR");

        var cancelled = await business.Test.PatchJsonAsync($"/subscriptions/{subscriptionId}", new { status = "cancelled" });
        Assert.Equal("cancelled", cancelled.Str("status"));

        var mail = await SingleAsync(email, CancelledKind);
        Assert.Equal("Sua assinatura de Plano Ouro foi cancelada", mail.Subject);
        Assert.StartsWith("Olá, Sam Subscriber,", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Sua assinatura de Plano Ouro com Loja Azul foi cancelada. Ela não será renovada e você não será cobrado por ela novamente.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Gerenciar sua assinatura: {app.BaseAddress}test/login/{business.Id}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Guarde este e-mail para seus registros.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("lang=\"pt-BR\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("subscription", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("4242", mail.TextBody + mail.HtmlBody, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal("pt-BR", await connection.ExecuteScalarAsync<string>("SELECT culture FROM email_outbox WHERE id = @id", new { id = mail.Id }));
    }

    [Theory]
    [InlineData(null, "Your Atlas subscription is cancelled", "Your Atlas subscription with Casa Demo is cancelled.")]
    [InlineData("es", "Tu suscripción a Atlas se ha cancelado", "Tu suscripción a Atlas con Casa Demo se ha cancelado.")]
    [InlineData("it", "Il tuo abbonamento Atlas è stato annullato", "Il tuo abbonamento Atlas presso Casa Demo è stato annullato.")]
    [InlineData("id", "Langganan Atlas Anda telah dibatalkan", "Langganan Atlas Anda di Casa Demo telah dibatalkan.")]
    [InlineData("pt-BR", "Sua assinatura de Atlas foi cancelada", "Sua assinatura de Atlas com Casa Demo foi cancelada.")]
    public async Task The_cancelled_email_speaks_the_customers_portal_language(string? culture, string subject, string intro)
    {
        var business = await app.CreateBusinessAsync("Casa Demo");
        var (subscriptionId, customerId, email) = await ActiveSubscriptionAsync(business, "Atlas", "lang");
        if (culture is not null)
        {
            await SetPortalCultureAsync(customerId, culture);
        }

        await business.Test.PatchJsonAsync($"/subscriptions/{subscriptionId}", new { status = "cancelled" });

        var mail = await SingleAsync(email, CancelledKind);
        Assert.Equal(subject, mail.Subject);
        Assert.Contains(intro, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"lang=\"{culture ?? "en"}\"", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pt-BR", "Fim da sua assinatura de Atlas: {0}", "de dezembro de|de janeiro de|de fevereiro de|de março de|de abril de|de maio de|de junho de|de julho de|de agosto de|de setembro de|de outubro de|de novembro de")]
    [InlineData("es", "Tu suscripción a Atlas terminará el {0}", "de diciembre de|de enero de|de febrero de|de marzo de|de abril de|de mayo de|de junio de|de julio de|de agosto de|de septiembre de|de octubre de|de noviembre de")]
    [InlineData("it", "Il tuo abbonamento Atlas terminerà {0}", "dicembre|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre")]
    [InlineData("id", "Langganan Atlas Anda akan berakhir pada {0}", "Desember|Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November")]
    public async Task The_cancel_scheduled_email_writes_the_end_date_in_the_customers_language(string culture, string subject, string months)
    {
        var business = await app.CreateBusinessAsync("Casa Demo");
        var (subscriptionId, customerId, email) = await ActiveSubscriptionAsync(business, "Atlas", "date");
        await SetPortalCultureAsync(customerId, culture);

        var patched = await business.Test.PatchJsonAsync($"/subscriptions/{subscriptionId}", new { cancel_at_next_billing_date = true });
        var endText = patched["next_billing_date"]!.GetValue<DateTime>().ToString("D", CultureInfo.CreateSpecificCulture(culture));
        Assert.Matches(months, endText);

        var mail = await SingleAsync(email, CancelScheduledKind);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, subject, endText), mail.Subject);
        Assert.Contains(endText, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Casa Demo", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_change_sends_exactly_one_email_and_revoking_or_repeating_a_change_sends_none()
    {
        var business = await app.CreateBusinessAsync("Once Only");
        var (subscriptionId, _, email) = await ActiveSubscriptionAsync(business, "Starter", "once");
        var path = $"/subscriptions/{subscriptionId}";
        Assert.Empty(await SubscriptionMailQueuedAsync(email));

        await business.Test.PatchJsonAsync(path, new { cancel_at_next_billing_date = true });
        Assert.Equal([CancelScheduledKind], await SubscriptionMailQueuedAsync(email));

        // Asking again for what is already scheduled changes nothing and says nothing.
        await business.Test.PatchJsonAsync(path, new { cancel_at_next_billing_date = true });
        Assert.Equal([CancelScheduledKind], await SubscriptionMailQueuedAsync(email));

        // Revoking the scheduled cancellation keeps the subscription as it was: no e-mail.
        var revoked = await business.Test.PatchJsonAsync(path, new { cancel_at_next_billing_date = false });
        Assert.False(revoked["cancel_at_next_billing_date"]!.GetValue<bool>());
        Assert.Equal([CancelScheduledKind], await SubscriptionMailQueuedAsync(email));

        // Neither does an edit of the merchant's own data.
        await business.Test.PatchJsonAsync(path, new { metadata = new { plan = "starter" } });
        Assert.Equal([CancelScheduledKind], await SubscriptionMailQueuedAsync(email));

        // Scheduling again is a new change: one new e-mail. So is cancelling now.
        await business.Test.PatchJsonAsync(path, new { cancel_at_next_billing_date = true });
        Assert.Equal([CancelScheduledKind, CancelScheduledKind], await SubscriptionMailQueuedAsync(email));
        await business.Test.PatchJsonAsync(path, new { status = "cancelled" });
        Assert.Equal([CancelScheduledKind, CancelScheduledKind, CancelledKind], await SubscriptionMailQueuedAsync(email));

        // A cancelled subscription cannot change state again, so nothing more is sent.
        await business.Test.PatchJsonAsync(path, new { status = "cancelled" }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal([CancelScheduledKind, CancelScheduledKind, CancelledKind], await SubscriptionMailQueuedAsync(email));

        // And all of them are delivered, each once.
        await Mailbox.WaitForAsync(app, email, count: 4);
        var delivered = (await app.Services.GetRequiredService<DevMailbox>().ListAsync(email, 50, CancellationToken.None))
            .Where(m => m.Kind.StartsWith("subscription_", StringComparison.Ordinal)).Select(m => m.Kind).Order().ToList();
        Assert.Equal([CancelScheduledKind, CancelScheduledKind, CancelledKind], delivered);
    }

    [Fact]
    public void Every_language_translates_every_checkout_and_email_text_with_the_same_placeholders()
    {
        var folder = Path.Combine(TestSettings.RepositoryRoot, "src", "Clientele", "Features", "Checkout");
        Dictionary<string, string> Read(string file) =>
            XDocument.Load(Path.Combine(folder, file)).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);
        var english = Read("CheckoutText.resx");
        Assert.Contains("SubCancelScheduledIntro", english.Keys);
        var files = Directory.GetFiles(folder, "CheckoutText.*.resx").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["CheckoutText.es.resx", "CheckoutText.id.resx", "CheckoutText.it.resx", "CheckoutText.pt-BR.resx"], files);
        foreach (var file in files)
        {
            var translated = Read(file!);
            Assert.Equal(english.Keys.Order(), translated.Keys.Order());
            foreach (var (key, value) in english)
            {
                Assert.False(string.IsNullOrWhiteSpace(translated[key]), $"{file}: {key} is empty");
                Assert.True(Placeholders(value).SetEquals(Placeholders(translated[key])), $"{file}: {key} has other placeholders than English");
                if (key.StartsWith("Sub", StringComparison.Ordinal))
                {
                    Assert.NotEqual(value, translated[key]);
                }
            }
        }
    }

    /// <summary>A monthly subscription to a new product, paid on its hosted page with a Visa card: (subscription, customer, e-mail).</summary>
    private async Task<(string SubscriptionId, string CustomerId, string Email)> ActiveSubscriptionAsync(TestBusiness business, string productName, string prefix)
    {
        var product = await business.Test.PostJsonAsync("/products", new
        {
            name = productName,
            tax_category = "saas",
            price = new
            {
                type = "recurring_price",
                currency = "USD",
                price = 1000,
                discount = 0,
                purchasing_power_parity = false,
                payment_frequency_count = 1,
                payment_frequency_interval = "Month",
                subscription_period_count = 1,
                subscription_period_interval = "Year",
            },
        });
        var email = $"{prefix}-{Guid.NewGuid():N}@example.com";
        var created = await business.Test.PostJsonAsync("/subscriptions", new
        {
            product_id = product.Str("product_id"),
            quantity = 1,
            customer = new { email, name = "Sam Subscriber" },
            billing = new { country = "US" },
            payment_link = true,
        });
        var subscriptionId = created.Str("subscription_id");
        Assert.Equal("pending", (await business.Test.GetJsonAsync($"/subscriptions/{subscriptionId}")).Str("status"));

        var checkout = new CheckoutDriver(app, business.Test);
        using (var paid = await checkout.PayAsync(new Uri(created.Str("payment_link")).AbsolutePath, CheckoutDriver.Visa))
        {
            Assert.True(paid.StatusCode == HttpStatusCode.Redirect, $"expected a redirect, got {(int)paid.StatusCode}: {await paid.Content.ReadAsStringAsync()}");
        }
        var subscription = await business.Test.GetJsonAsync($"/subscriptions/{subscriptionId}");
        Assert.Equal("active", subscription.Str("status"));
        return (subscriptionId, CustomerIdOf(subscription), email);
    }

    private static string CustomerIdOf(JsonNode subscription) => subscription["customer"]!.Str("customer_id");

    private static async Task SetPortalCultureAsync(string customerId, string culture)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(1, await connection.ExecuteAsync("UPDATE customers SET portal_culture = @culture WHERE id = @customerId", new { culture, customerId }));
    }

    /// <summary>The kinds of subscription e-mail queued for a recipient, sent or not, oldest first (the outbox itself: queued in the change's transaction).</summary>
    private static async Task<List<string>> SubscriptionMailQueuedAsync(string email)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return [.. await connection.QueryAsync<string>(
            "SELECT kind FROM email_outbox WHERE recipient = @email AND kind LIKE 'subscription\\_%' ORDER BY created_at, kind", new { email })];
    }

    /// <summary>Waits for delivery to the dev mailbox and asserts exactly one message of that kind reached the recipient.</summary>
    private async Task<DevMail> SingleAsync(string email, string kind)
    {
        var mailbox = app.Services.GetRequiredService<DevMailbox>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var mail = (await mailbox.ListAsync(email, 50, CancellationToken.None)).Where(m => m.Kind == kind).ToList();
            if (mail.Count > 0)
            {
                Assert.Single(mail);
                Assert.Equal(1, await QueuedAsync(email, kind));
                return mail[0];
            }
            Assert.True(DateTime.UtcNow < deadline, $"No {kind} e-mail reached {email}.");
            await Task.Delay(100);
        }
    }

    private static async Task<long> QueuedAsync(string email, string kind)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM email_outbox WHERE recipient = @email AND kind = @kind", new { email, kind });
    }

    private static HashSet<string> Placeholders(string text) => [.. Regex.Matches(text, @"\{\d+\}").Select(m => m.Value)];

    /// <summary>Twelve or more digits, optionally grouped by spaces or dashes: what a card number looks like.</summary>
    [GeneratedRegex(@"\d(?:[ -]?\d){11,}")]
    private static partial Regex CardLike();
}
