using System.Text.Json;
using Clientele.Features.Catalog;
using Clientele.Features.Customers;
using Clientele.Platform.Api;
using Clientele.Primitives;

namespace Clientele.Features.Checkout;

public sealed record CartRequestLine(string ProductId, int Quantity, long? Amount, string Field);

/// <summary>A checkout request as read, before its products are looked up and priced.</summary>
public sealed record CheckoutRequest(
    IReadOnlyList<CartRequestLine> Cart,
    string? CustomerId,
    string? CustomerEmail,
    string? CustomerName,
    BillingAddress? Billing,
    string? ReturnUrl,
    string MetadataJson);

public static class CheckoutInput
{
    public const int MaxQuantity = 10_000;

    public static CheckoutRequest? Parse(JsonBody body)
    {
        var cart = new List<CartRequestLine>();
        if (body.Element("product_cart").Value is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            body.AddError("product_cart", "is required and must list at least one product");
        }
        else
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var field = $"product_cart[{index++}]";
                if (body.Child(field, item) is not { } line)
                {
                    continue;
                }
                var productId = line.RequiredText("product_id", 64);
                var quantity = InputRules.Integer(line, "quantity", 1, MaxQuantity, required: true);
                var amount = InputRules.Integer(line, "amount", 0, InputRules.MaxAmount, required: false);
                if (productId is not null && quantity is not null)
                {
                    cart.Add(new CartRequestLine(productId, (int)quantity, amount, field));
                }
            }
        }

        var (customerId, email, name) = ParseCustomer(body, "customer", required: false);
        var billing = ParseBilling(body, "billing_address", required: false);

        var returnUrl = ParseReturnUrl(body);
        var metadata = body.Element("metadata").Value is { } element ? Metadata.Validate("metadata", element, body) : Metadata.EmptyJson;
        return body.HasErrors ? null : new CheckoutRequest(cart, customerId, email, name, billing, returnUrl, metadata!);
    }

    /// <summary>The reference's CustomerRequest: <c>{customer_id}</c> or <c>{email, name?}</c>.</summary>
    public static (string? CustomerId, string? Email, string? Name) ParseCustomer(JsonBody body, string field, bool required)
    {
        if (body.Element(field).Value is not { } element)
        {
            if (required)
            {
                body.AddError(field, "is required: {customer_id} or {email, name}");
            }
            return (null, null, null);
        }
        if (body.Child(field, element) is not { } customer)
        {
            return (null, null, null);
        }
        var customerId = customer.String("customer_id").Value;
        if (customerId is not null)
        {
            return (customerId, null, null);
        }
        var rawEmail = customer.String("email").Value;
        var email = EmailAddress.Normalize(rawEmail);
        if (email is null)
        {
            customer.AddError("email", rawEmail is null ? "is required when customer_id is not given" : "is not a valid e-mail address");
        }
        return (null, email, InputRules.OptionalText(customer, "name", CustomerInput.MaxNameLength));
    }

    /// <summary>The reference's BillingAddress: <c>country</c> (ISO 3166-1 alpha-2) and optional lines.</summary>
    public static BillingAddress? ParseBilling(JsonBody body, string field, bool required)
    {
        if (body.Element(field).Value is not { } element)
        {
            if (required)
            {
                body.AddError(field, "is required (at least its country)");
            }
            return null;
        }
        if (body.Child(field, element) is not { } address)
        {
            return null;
        }
        var country = address.RequiredText("country", 2);
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            address.AddError("country", "must be an ISO 3166-1 alpha-2 code such as US");
        }
        return new BillingAddress(country ?? "", InputRules.OptionalText(address, "city", 200), InputRules.OptionalText(address, "state", 200),
            InputRules.OptionalText(address, "street", 500), InputRules.OptionalText(address, "zipcode", 20));
    }

    public static string? ParseReturnUrl(JsonBody body)
    {
        // The portal's rule: where the customer is sent after paying must not be a phishing hop.
        var returnUrl = InputRules.OptionalText(body, "return_url", Portal.ReturnUrl.MaxLength);
        if (returnUrl is not null && !Portal.ReturnUrl.TryNormalize(returnUrl, out _))
        {
            body.AddError("return_url", "must be an absolute https URL without credentials (http only on localhost)");
            return null;
        }
        return returnUrl;
    }

    /// <summary>
    /// Prices the cart against the catalog: known, active, one-time products in one currency;
    /// repeats of a product are merged into one line. Errors name the cart line.
    /// </summary>
    public static IReadOnlyList<CartLine>? Price(CheckoutRequest request, IReadOnlyList<Product> products, List<ValidationError> errors)
    {
        var byId = products.ToDictionary(p => p.Id);
        var lines = new List<CartLine>();
        foreach (var group in request.Cart.GroupBy(l => l.ProductId))
        {
            var first = group.First();
            if (!byId.TryGetValue(first.ProductId, out var product) || product.Archived)
            {
                errors.Add(new($"{first.Field}.product_id", "is not an active product of this business"));
                continue;
            }
            if (product.IsRecurring)
            {
                errors.Add(new($"{first.Field}.product_id", "is a subscription product; subscriptions are sold through POST /subscriptions"));
                continue;
            }
            if (group.Select(l => l.Amount).Distinct().Count() > 1)
            {
                errors.Add(new($"{first.Field}.amount", "differs between lines of the same product"));
                continue;
            }
            var unit = product.PriceAmount;
            if (first.Amount is { } chosen)
            {
                if (!product.PayWhatYouWant)
                {
                    errors.Add(new($"{first.Field}.amount", "is only allowed for pay-what-you-want products"));
                    continue;
                }
                if (chosen < product.PriceAmount)
                {
                    errors.Add(new($"{first.Field}.amount", $"must be at least the product's minimum price {product.PriceAmount}"));
                    continue;
                }
                unit = chosen;
            }
            var quantity = group.Sum(l => l.Quantity);
            var gross = checked(unit * quantity);
            var discount = MinorUnits.Percent(gross, product.Discount);
            lines.Add(new CartLine(product.Id, product.Name, product.Description, quantity, unit, discount, gross - discount));
        }
        var currencies = request.Cart.Where(l => byId.ContainsKey(l.ProductId)).Select(l => byId[l.ProductId].Currency).Distinct().ToList();
        if (currencies.Count > 1)
        {
            errors.Add(new("product_cart", $"mixes currencies ({string.Join(", ", currencies)}); one checkout is paid in one currency"));
        }
        return errors.Count > 0 ? null : lines;
    }
}
