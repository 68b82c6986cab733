using System.Globalization;

namespace Clientele.Primitives;

/// <summary>
/// An amount of one currency, in its minor units (cents, paise, yen, fils). Arithmetic refuses to
/// mix currencies; rounding lives in <see cref="MinorUnits"/> and formatting in <see cref="Currency.Format"/>.
/// </summary>
public readonly record struct Money(long Amount, Currency Currency)
{
    public static Money Of(long amount, string currencyCode) => new(amount, Currency.Find(currencyCode));

    public static Money Zero(Currency currency) => new(0, currency);

    public string Code => Currency.Code;

    public bool IsZero => Amount == 0;

    public static Money operator +(Money a, Money b) => new(checked(a.Amount + b.Amount), Same(a, b));

    public static Money operator -(Money a, Money b) => new(checked(a.Amount - b.Amount), Same(a, b));

    public static bool operator <(Money a, Money b) => a.Amount < b.Amount && Same(a, b) is not null;

    public static bool operator >(Money a, Money b) => a.Amount > b.Amount && Same(a, b) is not null;

    public static bool operator <=(Money a, Money b) => a.Amount <= b.Amount && Same(a, b) is not null;

    public static bool operator >=(Money a, Money b) => a.Amount >= b.Amount && Same(a, b) is not null;

    public Money Times(int quantity) => this with { Amount = checked(Amount * quantity) };

    public static Money Min(Money a, Money b) => Same(a, b) is not null && a.Amount <= b.Amount ? a : b;

    public string Format(CultureInfo culture) => Currency.Format(Amount, culture);

    public override string ToString() => $"{Amount} {Currency.Code}";

    private static Currency Same(Money a, Money b) =>
        a.Currency == b.Currency ? a.Currency : throw new InvalidOperationException($"Cannot combine {a.Currency.Code} with {b.Currency.Code}: convert first.");
}
