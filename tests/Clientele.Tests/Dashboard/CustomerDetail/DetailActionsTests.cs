using System.Net;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;
using Clientele.Tests.Subscriptions;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>
/// The customer detail's actions over HTTP: each calls the API's operation, refusals come back on the
/// page next to their field, roles are enforced on the server, another business's objects are 404, and a
/// double submit makes one effect.
/// </summary>
public sealed partial class DetailActionsTests(AppFixture app)
{
    [Fact]
    public async Task Edit_saves_through_the_customer_operation_and_names_each_refusal_next_to_its_field()
    {
        var business = await app.CreateBusinessAsync("Detail Edit Co");
        var ada = (await PortalTestData.CreateCustomerAsync(business.Test, DashboardTestData.UniqueEmail("ada"), "Ada Lovelace")).Str("customer_id");
        var taken = DashboardTestData.UniqueEmail("grace");
        await PortalTestData.CreateCustomerAsync(business.Test, taken, "Grace Hopper");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        var path = $"/dashboard/customers/{ada}/edit";

        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(path)).Status);
        var newEmail = DashboardTestData.UniqueEmail("ada.new");
        var saved = await owner.PostFormAsync(path, Form("Ada King", newEmail, "+14155550123", """{"plan": "gold", "seats": 3}"""));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Equal($"/dashboard/customers/{ada}?notice=DetEditSaved", saved.Location);
        var about = await owner.GetAsync(saved.Location!);
        Assert.Contains("The customer was updated.", about.Text, StringComparison.Ordinal);
        var stored = await business.Test.GetJsonAsync($"/customers/{ada}");
        Assert.Equal(("Ada King", newEmail, "+14155550123", "gold", 3), (stored.Str("name"), stored.Str("email"), stored.Str("phone_number"),
            stored["metadata"]!["plan"]!.GetValue<string>(), stored["metadata"]!["seats"]!.GetValue<int>()));

        await owner.GetAsync(path);
        var clash = await owner.PostFormAsync(path, Form("Ada King", taken.ToUpperInvariant(), "", "{}"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, clash.Status);
        Assert.Matches("<p class=\"error\" id=\"email-error\">Another customer of this business already uses this e-mail address.</p>", clash.Html);
        var bad = await owner.PostFormAsync(path, Form("", "not-an-email", "12", """{"nested": {"a": 1}}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("id=\"email-error\">is not a valid e-mail address<", bad.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"phone_number-error\">must be in E.164 format", bad.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"metadata-error\">metadata.nested: must be a string, number or boolean<", bad.Html, StringComparison.Ordinal);
        var notJson = await owner.PostFormAsync(path, Form("Ada", newEmail, "", "{oops"));
        Assert.Contains("id=\"metadata-error\">is not valid JSON<", notJson.Html, StringComparison.Ordinal);
        Assert.Equal("Ada King", (await business.Test.GetJsonAsync($"/customers/{ada}")).Str("name"));

        foreach (var role in new[] { DashboardRole.Viewer, DashboardRole.Support })
        {
            var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, role);
            await client.GetAsync($"/dashboard/customers/{ada}");
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostFormAsync(path, Form("Mallory", newEmail, "", "{}"))).Status);
            Assert.DoesNotContain("/edit\"", (await client.GetAsync($"/dashboard/customers/{ada}")).Html, StringComparison.Ordinal);
        }
        Assert.Equal("Ada King", (await business.Test.GetJsonAsync($"/customers/{ada}")).Str("name"));
    }

    [Fact]
    public async Task Refunds_in_part_and_in_full_a_double_submit_makes_one_and_documents_are_served_to_the_business_only()
    {
        var business = await app.CreateBusinessAsync("Detail Refund Co");
        var checkout = new CheckoutDriver(app, business.Test);
        var product = await checkout.ProductAsync(1500);
        var (_, sessionPath) = await checkout.SessionAsync(product, quantity: 2, email: DashboardTestData.UniqueEmail("buyer"));
        var payment = await checkout.PaySuccessfullyAsync(sessionPath);
        var paymentId = payment.Str("payment_id");
        var customer = payment["customer"]!.Str("customer_id");
        var (support, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Support);

        var tab = await support.GetAsync($"/dashboard/customers/{customer}/payments");
        Assert.Equal(HttpStatusCode.OK, tab.Status);
        Assert.Contains(paymentId, tab.Html, StringComparison.Ordinal);
        Assert.Contains("Succeeded", tab.Text, StringComparison.Ordinal);
        Assert.Contains("$30.00", tab.Text, StringComparison.Ordinal);
        Assert.Contains("One-time", tab.Text, StringComparison.Ordinal);
        Assert.Contains("Visa •••• 4242", tab.Text, StringComparison.Ordinal);

        var refundPath = $"/dashboard/customers/{customer}/payments/{paymentId}/refund";
        var confirm = await support.GetAsync(refundPath);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Contains("<strong id=\"refundable\">$30.00</strong>", confirm.Html, StringComparison.Ordinal);
        var key = KeyOf(confirm.Html);

        // Beyond what the line has left: refused next to the line, nothing reserved.
        var tooMuch = await support.PostFormAsync(refundPath, new Dictionary<string, string> { ["Key"] = key, ["Kind"] = "partial", [$"Amounts[{product}]"] = "31.00" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch.Status);
        Assert.Contains($"id=\"amount_{product}-error\">exceeds what is left to refund on this line (3000)<", tooMuch.Html, StringComparison.Ordinal);

        // A partial refund, sent twice with the form's key: one refund.
        var form = new Dictionary<string, string> { ["Key"] = key, ["Kind"] = "partial", [$"Amounts[{product}]"] = "5.00", ["Reason"] = "Damaged" };
        var first = await support.PostFormAsync(refundPath, form);
        var second = await support.PostFormAsync(refundPath, form);
        Assert.Equal(HttpStatusCode.Redirect, first.Status);
        Assert.Equal(first.Location, second.Location);
        var refunds = (await business.Test.GetJsonAsync($"/refunds?customer_id={customer}"))["items"]!.AsArray();
        var refund = Assert.Single(refunds)!;
        Assert.Equal((500L, "succeeded", "Damaged", true), (refund["amount"]!.GetValue<long>(), refund.Str("status"), refund.Str("reason"), refund["is_partial"]!.GetValue<bool>()));
        var after = await support.GetAsync(first.Location!);
        Assert.Contains($"Refund {refund.Str("refund_id")} of $5.00: succeeded.", after.Text, StringComparison.Ordinal);
        Assert.Contains("Partially refunded", after.Text, StringComparison.Ordinal);

        // The rest, in full: refunded.
        var again = await support.GetAsync(refundPath);
        Assert.Contains("<strong id=\"refundable\">$25.00</strong>", again.Html, StringComparison.Ordinal);
        var full = await support.PostFormAsync(refundPath, new Dictionary<string, string> { ["Key"] = KeyOf(again.Html), ["Kind"] = "full" });
        Assert.Equal(HttpStatusCode.Redirect, full.Status);
        var done = await support.GetAsync(full.Location!);
        Assert.Contains("Refund ref_", done.Text, StringComparison.Ordinal);
        Assert.Contains(">Refunded</span>", done.Html, StringComparison.Ordinal);
        Assert.Equal(2, (await business.Test.GetJsonAsync($"/refunds?customer_id={customer}"))["items"]!.AsArray().Count);
        Assert.Contains("Nothing is left to refund", (await support.GetAsync(refundPath)).Text, StringComparison.Ordinal);

        // Documents: through the dashboard session, for this business's own payment.
        var invoiceLink = InvoiceLink().Match(done.Html);
        Assert.True(invoiceLink.Success, "no invoice link");
        var pdf = await support.GetAsync(WebUtility.HtmlDecode(invoiceLink.Groups[1].Value));
        Assert.Equal(HttpStatusCode.OK, pdf.Status);
        Assert.StartsWith("%PDF", pdf.Html, StringComparison.Ordinal);
        var creditNote = CreditNoteLink().Match(done.Html);
        var notePdf = await support.GetAsync(WebUtility.HtmlDecode(creditNote.Groups[1].Value));
        Assert.Equal(HttpStatusCode.OK, notePdf.Status);
        Assert.StartsWith("%PDF", notePdf.Html, StringComparison.Ordinal);
        var anonymous = new PortalClient(app.BaseAddress);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync(WebUtility.HtmlDecode(invoiceLink.Groups[1].Value))).Status);

        // Another business's payment under this customer is not there; a viewer may not refund.
        var other = await app.CreateBusinessAsync("Detail Refund Other Co");
        var otherCheckout = new CheckoutDriver(app, other.Test);
        var (_, otherPath) = await otherCheckout.SessionAsync(await otherCheckout.ProductAsync(900));
        var foreign = (await otherCheckout.PaySuccessfullyAsync(otherPath)).Str("payment_id");
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync($"/dashboard/customers/{customer}/payments/{foreign}/refund")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await support.PostFormAsync($"/dashboard/customers/{customer}/payments/{foreign}/refund",
            new Dictionary<string, string> { ["Key"] = Guid.NewGuid().ToString("N"), ["Kind"] = "full" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync($"/dashboard/customers/{customer}/payments?handler=Invoice&payment={foreign}")).Status);
        var (viewer, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);
        await viewer.GetAsync($"/dashboard/customers/{customer}/payments");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostFormAsync(refundPath, new Dictionary<string, string> { ["Key"] = Guid.NewGuid().ToString("N"), ["Kind"] = "full" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(refundPath)).Status);
    }

    [Fact]
    public async Task Subscription_actions_call_the_operations_refusals_come_back_and_roles_and_tenants_are_enforced()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Detail Subs Co"));
        await driver.AllowAsync(planChanges: true, pause: true);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Basic"));
        var id = subscription.Str("subscription_id");
        var customer = subscription["customer"]!.Str("customer_id");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, driver.Business.Id, DashboardRole.Owner);
        var path = $"/dashboard/customers/{customer}/subscriptions";
        var tab = await owner.GetAsync(path);
        Assert.Contains("Basic", tab.Text, StringComparison.Ordinal);
        Assert.Contains("Active", tab.Text, StringComparison.Ordinal);
        Assert.Contains("$12.00 every 1 month(s)", tab.Text, StringComparison.Ordinal);
        Assert.Contains("Renew now (test mode)", tab.Text, StringComparison.Ordinal);

        async Task<Page> PostAsync(PortalClient client, string handler, Dictionary<string, string>? extra = null)
        {
            var form = new Dictionary<string, string>(extra ?? []) { ["Subscription"] = id };
            return await client.PostFormAsync($"{path}?handler={handler}", form);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(owner, "CancelAtPeriodEnd")).Status);
        Assert.True((await driver.GetAsync(id))["cancel_at_next_billing_date"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(owner, "RevokeCancel")).Status);
        Assert.False((await driver.GetAsync(id))["cancel_at_next_billing_date"]!.GetValue<bool>());
        var paused = await PostAsync(owner, "Pause");
        Assert.Equal(HttpStatusCode.Redirect, paused.Status);
        Assert.Contains($"{id} was paused.", (await owner.GetAsync(paused.Location!)).Text, StringComparison.Ordinal);
        Assert.Equal("paused", (await driver.GetAsync(id)).Str("status"));
        var twice = await PostAsync(owner, "Pause");
        Assert.Equal(HttpStatusCode.Conflict, twice.Status);
        Assert.Contains("Only an active subscription allows this", twice.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(owner, "Resume")).Status);
        Assert.Equal("active", (await driver.GetAsync(id)).Str("status"));

        // A charge sent twice with the form's key: one payment.
        await owner.GetAsync(path);
        var chargeForm = new Dictionary<string, string> { ["amount"] = "4.50", ["currency"] = "USD", ["key"] = Guid.NewGuid().ToString("N") };
        var charged = await PostAsync(owner, "Charge", chargeForm);
        Assert.Equal(HttpStatusCode.Redirect, charged.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(owner, "Charge", chargeForm)).Status);
        Assert.Equal(1, (await driver.PaymentsAsync(id)).Count(p => p.Total == 450));
        var wrongCurrency = await PostAsync(owner, "Charge", new() { ["amount"] = "4.50", ["currency"] = "EUR", ["key"] = Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongCurrency.Status);
        Assert.Contains($"Not done for {id}: must be the subscription's currency USD", wrongCurrency.Text, StringComparison.Ordinal);

        // The payment-method link: e-mailed once per form.
        var linkForm = new Dictionary<string, string> { ["key"] = Guid.NewGuid().ToString("N") };
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(owner, "SendLink", linkForm)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(owner, "SendLink", linkForm)).Status);
        Assert.Equal(1, (await driver.EmailKindsAsync()).Count(k => k == "subscription_payment_method_link"));

        // Renew now (test mode): the next period is charged through the renewal engine.
        var before = (await driver.PaymentsAsync(id)).Count;
        var renewed = await PostAsync(owner, "RenewNow");
        Assert.Equal(HttpStatusCode.Redirect, renewed.Status);
        Assert.Contains($"{id} was renewed.", (await owner.GetAsync(renewed.Location!)).Text, StringComparison.Ordinal);
        Assert.Equal(before + 1, (await driver.PaymentsAsync(id)).Count);
        Assert.True(SubscriptionDriver.Date(await driver.GetAsync(id), "next_billing_date") > SubscriptionDriver.Date(subscription, "next_billing_date"));

        // Support and viewers may not change subscriptions; another business's subscription is not under this customer.
        foreach (var role in new[] { DashboardRole.Support, DashboardRole.Viewer })
        {
            var (client, _, _) = await DashboardTestData.SignedInAsync(app, driver.Business.Id, role);
            var page = await client.GetAsync(path);
            Assert.DoesNotContain("/subscriptions?handler=", page.Html, StringComparison.Ordinal);
            foreach (var handler in new[] { "CancelNow", "CancelAtPeriodEnd", "RevokeCancel", "Pause", "Resume", "Charge", "SendLink", "RenewNow" })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(client, handler, new() { ["key"] = Guid.NewGuid().ToString("N"), ["amount"] = "1", ["currency"] = "USD" })).Status);
            }
        }
        var other = new SubscriptionDriver(app, await app.CreateBusinessAsync("Detail Subs Other Co"));
        var foreign = (await other.SubscribeAsync(await other.ProductAsync(900))).Str("subscription_id");
        var foreignCancel = await owner.PostFormAsync($"{path}?handler=CancelNow", new Dictionary<string, string> { ["Subscription"] = foreign });
        Assert.Equal(HttpStatusCode.NotFound, foreignCancel.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"{path}/{foreign}/change-plan")).Status);
        Assert.Equal("active", (await other.GetAsync(foreign)).Str("status"));

        var cancelled = await PostAsync(owner, "CancelNow");
        Assert.Equal(HttpStatusCode.Redirect, cancelled.Status);
        Assert.Equal("cancelled", (await driver.GetAsync(id)).Str("status"));
        var again = await PostAsync(owner, "CancelNow");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Contains("The subscription has ended.", again.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_now_is_absent_in_live_mode_and_refused_there()
    {
        var business = await app.CreateBusinessAsync("Detail Live Co");
        var customer = (await PortalTestData.CreateCustomerAsync(business.Live, DashboardTestData.UniqueEmail("live"), "Lou Live")).Str("customer_id");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        await owner.PostFormAsync("/dashboard/switch?handler=Mode", new Dictionary<string, string> { ["mode"] = "live", ["returnUrl"] = "/dashboard" });
        var page = await owner.GetAsync($"/dashboard/customers/{customer}/subscriptions");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("Renew now", page.Text, StringComparison.Ordinal);
        var refused = await owner.PostFormAsync($"/dashboard/customers/{customer}/subscriptions?handler=RenewNow", new Dictionary<string, string> { ["Subscription"] = "sub_anything" });
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
    }

    private static Dictionary<string, string> Form(string name, string email, string phone, string metadata) =>
        new() { ["Name"] = name, ["Email"] = email, ["Phone"] = phone, ["Metadata"] = metadata };

    private static string KeyOf(string html) => KeyField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"Key\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex KeyField();

    [GeneratedRegex("href=\"([^\"]*handler=Invoice[^\"]*)\"")]
    private static partial Regex InvoiceLink();

    [GeneratedRegex("href=\"([^\"]*handler=CreditNote[^\"]*)\"")]
    private static partial Regex CreditNoteLink();
}
