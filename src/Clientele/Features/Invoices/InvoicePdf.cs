using System.Globalization;
using Clientele.Primitives;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Clientele.Features.Invoices;

/// <summary>Draws an invoice or credit note as a one-page A4 PDF (long carts continue on further pages).</summary>
public static class InvoicePdf
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");
    private static readonly XPdfFontOptions Encoding = new(PdfFontEncoding.Automatic);

    public static byte[] Render(InvoiceDocument invoice)
    {
        var currency = Currency.Find(invoice.Currency);
        string Money(long amount) => currency.Format(amount, Culture);

        using var document = new PdfDocument();
        document.Info.Title = $"{invoice.Title} {invoice.Number}";
        document.Info.Author = invoice.SellerName;
        var regular = new XFont(InvoiceFonts.Family, 10, XFontStyleEx.Regular, Encoding);
        var bold = new XFont(InvoiceFonts.Family, 10, XFontStyleEx.Bold, Encoding);
        var heading = new XFont(InvoiceFonts.Family, 20, XFontStyleEx.Bold, Encoding);

        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        var graphics = XGraphics.FromPdfPage(page);
        const double left = 50, right = 545;
        var y = 60.0;

        void Text(string text, XFont font, double x, XStringFormat? format = null) =>
            graphics.DrawString(text, font, XBrushes.Black, new XRect(x, y, format == XStringFormats.TopRight ? right - x : right - x, 14), format ?? XStringFormats.TopLeft);

        Text(invoice.SellerName, heading, left);
        y += 30;
        if (invoice.SellerEmail is { } sellerEmail)
        {
            Text(sellerEmail, regular, left);
            y += 20;
        }
        Text($"{invoice.Title} {invoice.Number}", bold, left);
        y += 16;
        Text($"Issued {invoice.IssuedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", regular, left);
        y += 16;
        Text($"Reference {invoice.Reference}", regular, left);
        y += 28;
        Text("Bill to", bold, left);
        y += 16;
        Text(invoice.BuyerName, regular, left);
        y += 14;
        Text(invoice.BuyerEmail + (invoice.BuyerCountry is { } country ? $" · {country}" : ""), regular, left);
        if (invoice.BuyerAddress is { } address)
        {
            y += 14;
            Text(address.Length > 90 ? address[..89] + "…" : address, regular, left);
        }
        if (invoice.BuyerTaxId is { } taxId)
        {
            y += 14;
            Text($"Tax ID {taxId}", regular, left);
        }
        y += 30;

        Text("Item", bold, left);
        Text("Qty", bold, 330);
        Text("Unit price", bold, 370);
        Text("Amount", bold, 460, XStringFormats.TopRight);
        y += 18;
        foreach (var line in invoice.Lines)
        {
            if (y > 760)
            {
                page = document.AddPage();
                page.Size = PdfSharp.PageSize.A4;
                graphics.Dispose();
                graphics = XGraphics.FromPdfPage(page);
                y = 60;
            }
            Text(line.Name.Length > 45 ? line.Name[..44] + "…" : line.Name, regular, left);
            Text(line.Quantity.ToString(CultureInfo.InvariantCulture), regular, 330);
            Text(Money(line.UnitAmount), regular, 370);
            Text(Money(line.Amount), regular, 460, XStringFormats.TopRight);
            y += 16;
            if (line.DiscountAmount > 0)
            {
                Text($"Discount −{Money(line.DiscountAmount)}", regular, left + 10);
                y += 16;
            }
        }
        y += 10;
        graphics.DrawLine(XPens.Gray, 330, y, right, y);
        y += 8;
        Text("Subtotal", regular, 330);
        Text(Money(invoice.Subtotal), regular, 460, XStringFormats.TopRight);
        y += 16;
        Text("Tax", regular, 330);
        Text(Money(invoice.Tax), regular, 460, XStringFormats.TopRight);
        y += 16;
        Text("Total", bold, 330);
        Text(Money(invoice.Total), bold, 460, XStringFormats.TopRight);
        if (invoice.Note is { } note)
        {
            y += 30;
            Text(note, regular, left);
        }
        graphics.Dispose();

        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }
}
