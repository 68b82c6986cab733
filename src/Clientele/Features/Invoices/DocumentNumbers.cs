using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Invoices;

/// <summary>
/// Issues invoices and credit notes with gapless numbers per (business, mode). The counter row is
/// incremented inside the caller's transaction: its row lock makes concurrent payments take turns,
/// and if the transaction rolls back, so does the number. Invoices are numbered as the transaction's
/// last step, so the turns are short.
/// </summary>
public static class DocumentNumbers
{
    public static string Format(string kind, Mode mode, long sequence) =>
        Prefix(kind, mode) + sequence.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Takes the next number of a kind; call only in the transaction that writes the document.</summary>
    public static Task<long> NextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string kind, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<long>(new CommandDefinition("""
            INSERT INTO document_counters AS c (business_id, mode, kind, last_number) VALUES (@businessId, @mode, @kind, 1)
            ON CONFLICT (business_id, mode, kind) DO UPDATE SET last_number = c.last_number + 1
            RETURNING last_number
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, kind }, transaction, cancellationToken: cancellationToken));

    /// <summary>The number of a document before its digits ("TEST-INV-", "CN-").</summary>
    public static string Prefix(string kind, Mode mode) => (mode == Mode.Test ? "TEST-" : "") + (kind == "invoice" ? "INV-" : "CN-");

    /// <summary>
    /// Issues the invoice of a succeeded payment with an amount (at most one per payment), not yet numbered:
    /// the caller numbers it with <see cref="NumberInvoiceAsync"/> as the transaction's last step, so the
    /// business's counter is locked only from there to the commit (a deferred check refuses a commit that
    /// forgets). Returns its id, or null for a zero payment.
    /// </summary>
    public static async Task<string?> IssueInvoiceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string paymentId, DateTime now, CancellationToken cancellationToken)
    {
        var args = new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText };
        var state = await connection.QuerySingleAsync<(long Total, string? InvoiceId)>(new CommandDefinition("""
            SELECT p.total_amount, (SELECT i.id FROM invoices i WHERE i.payment_id = p.id)
            FROM payments p WHERE p.id = @paymentId AND p.business_id = @businessId AND p.mode = @mode FOR UPDATE
            """, args, transaction, cancellationToken: cancellationToken));
        if (state.InvoiceId is not null || state.Total == 0)
        {
            return state.InvoiceId;
        }
        var id = Ids.New(Ids.Invoice);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO invoices (id, business_id, mode, payment_id, seller, buyer, currency, subtotal, tax, total, issued_at)
            SELECT @id, p.business_id, p.mode, p.id,
                   jsonb_build_object('name', b.name, 'support_email', b.support_email),
                   -- The details the customer gave in the portal win over the payment's billing address.
                   jsonb_build_object('name', c.name, 'email', c.email,
                                      'billing', coalesce(c.invoice_details -> 'billing', p.billing),
                                      'tax_id', coalesce(c.invoice_details ->> 'tax_id', s.tax_id)),
                   p.currency, p.total_amount - p.tax, p.tax, p.total_amount, @now
            FROM payments p JOIN businesses b ON b.id = p.business_id JOIN customers c ON c.id = p.customer_id
            LEFT JOIN subscriptions s ON s.id = p.subscription_id AND s.business_id = p.business_id AND s.mode = p.mode
            WHERE p.id = @paymentId AND p.business_id = @businessId AND p.mode = @mode
            """,
            new { id, now, args.paymentId, args.businessId, args.mode },
            transaction, cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>
    /// Issues the invoices of several succeeded payments of one tenant already numbered, in one statement that takes the
    /// business's counter once for all of them (numbers in the given order). Call last in the transaction: the counter
    /// row stays locked until the commit. Every invoice is written or the statement throws (never a gap).
    /// Returns the numbers by invoice id.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> IssueNumberedInvoicesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant,
        IReadOnlyList<(string PaymentId, string InvoiceId)> invoices, DateTime now, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<(string Id, string Number)>(new CommandDefinition("""
            WITH n AS (
                INSERT INTO document_counters AS c (business_id, mode, kind, last_number) VALUES (@businessId, @mode, 'invoice', @count)
                ON CONFLICT (business_id, mode, kind) DO UPDATE SET last_number = c.last_number + excluded.last_number
                RETURNING last_number - @count AS before
            ),
            numbered AS (
                SELECT v.payment_id, v.id, n.before + v.position AS sequence
                FROM unnest(@paymentIds::text[], @ids::text[]) WITH ORDINALITY AS v(payment_id, id, position), n
            )
            INSERT INTO invoices (id, business_id, mode, payment_id, seller, buyer, currency, subtotal, tax, total, issued_at, sequence, number)
            SELECT v.id, p.business_id, p.mode, p.id,
                   jsonb_build_object('name', b.name, 'support_email', b.support_email),
                   -- The details the customer gave in the portal win over the payment's billing address.
                   jsonb_build_object('name', c.name, 'email', c.email,
                                      'billing', coalesce(c.invoice_details -> 'billing', p.billing),
                                      'tax_id', coalesce(c.invoice_details ->> 'tax_id', s.tax_id)),
                   p.currency, p.total_amount - p.tax, p.tax, p.total_amount, @now,
                   v.sequence, @prefix || CASE WHEN v.sequence >= 1000000 THEN v.sequence::text ELSE lpad(v.sequence::text, 6, '0') END
            FROM numbered v
            JOIN payments p ON p.id = v.payment_id AND p.business_id = @businessId AND p.mode = @mode
            JOIN businesses b ON b.id = p.business_id JOIN customers c ON c.id = p.customer_id
            LEFT JOIN subscriptions s ON s.id = p.subscription_id AND s.business_id = p.business_id AND s.mode = p.mode
            ORDER BY v.sequence
            RETURNING id, number
            """,
            new
            {
                paymentIds = invoices.Select(i => i.PaymentId).ToArray(),
                ids = invoices.Select(i => i.InvoiceId).ToArray(),
                count = (long)invoices.Count,
                now,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                prefix = Prefix("invoice", tenant.Mode),
            }, transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.Id, r => r.Number);
        if (rows.Count != invoices.Count)
        {
            // The counter moved by the full count: committing would leave a gap.
            throw new InvalidOperationException($"{invoices.Count - rows.Count} of {invoices.Count} invoices could not be issued; the transaction must roll back.");
        }
        return rows;
    }

    /// <summary>
    /// Gives an unnumbered invoice the business's next number, in one statement: the counter is taken only when
    /// the invoice still needs it (never a gap). Returns the number, or null when the invoice was numbered already.
    /// Call last in the transaction: the counter row stays locked until the commit.
    /// </summary>
    public static Task<string?> NumberInvoiceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string invoiceId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("""
            WITH n AS (
                INSERT INTO document_counters AS c (business_id, mode, kind, last_number)
                SELECT @businessId, @mode, 'invoice', 1
                WHERE EXISTS (SELECT 1 FROM invoices WHERE id = @invoiceId AND business_id = @businessId AND mode = @mode AND sequence IS NULL)
                ON CONFLICT (business_id, mode, kind) DO UPDATE SET last_number = c.last_number + 1
                RETURNING last_number
            )
            UPDATE invoices i SET sequence = n.last_number,
                number = @prefix || CASE WHEN n.last_number >= 1000000 THEN n.last_number::text ELSE lpad(n.last_number::text, 6, '0') END
            FROM n
            WHERE i.id = @invoiceId AND i.business_id = @businessId AND i.mode = @mode
            RETURNING i.number
            """,
            new { invoiceId, businessId = tenant.BusinessId, mode = tenant.ModeText, prefix = Prefix("invoice", tenant.Mode) },
            transaction, cancellationToken: cancellationToken));
}
