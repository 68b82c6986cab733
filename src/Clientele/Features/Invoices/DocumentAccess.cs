using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Clientele.Features.Invoices;

/// <summary>
/// The <c>?token=</c> of a document link (<c>/invoices/payments/{payment_id}</c>, <c>/invoices/refunds/{refund_id}</c>):
/// HMAC-SHA256 of the document's path id under a key derived from the server's key-encryption key, which is
/// not in the database. So nothing is stored — no token in <c>invoices</c>, <c>credit_notes</c> or webhook
/// payloads — and yet every link can be given again (API answers, receipts, e-mails). Links issued before
/// (random tokens) are checked against the SHA-256 kept in <c>access_token_hash</c>. The keys are set once at
/// start-up; every process derives the same ones.
/// </summary>
public static partial class DocumentAccess
{
    private static IReadOnlyList<byte[]> keys = [];

    public static void UseKeys(IReadOnlyList<byte[]> derived) => keys = derived;

    public static string InvoiceToken(string paymentId) => Token(keys[0], "invoice:" + paymentId);

    public static string CreditNoteToken(string refundId) => Token(keys[0], "credit_note:" + refundId);

    public static bool IsInvoiceToken(string paymentId, string? token) => Matches("invoice:" + paymentId, token);

    public static bool IsCreditNoteToken(string refundId, string? token) => Matches("credit_note:" + refundId, token);

    /// <summary>Webhook payloads are stored without the token: it is taken out when queued ...</summary>
    public static string? WithoutToken(string? invoiceUrl) => invoiceUrl is null ? null : TokenParameter().Replace(invoiceUrl, "");

    /// <summary>... and put back into <c>invoice_url</c> when sent, so receivers get a working link.</summary>
    public static string WithInvoiceTokens(string payload) => InvoiceUrl().Replace(payload, m => $"{m.Value[..^1]}?token={InvoiceToken(m.Groups["id"].Value)}\"");

    private static bool Matches(string subject, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }
        var given = Encoding.ASCII.GetBytes(token);
        return keys.Any(key => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Token(key, subject)), given));
    }

    private static string Token(byte[] key, string subject) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(subject))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex(@"\?token=[A-Za-z0-9_-]*$")]
    private static partial Regex TokenParameter();

    [GeneratedRegex(@"""invoice_url"":""[^""?]*/invoices/payments/(?<id>[A-Za-z0-9_]+)""")]
    private static partial Regex InvoiceUrl();
}
