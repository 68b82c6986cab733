namespace Clientele.Primitives;

/// <summary>
/// An operation's closed answer: its value, or one of the operation's named failures
/// (<typeparamref name="TFailure"/> is a closed record hierarchy). Operations return values and
/// failures directly (both convert implicitly); the API and the pages each map the failures once.
/// </summary>
public readonly struct Result<T, TFailure>
    where TFailure : class
{
    private readonly T? value;

    private Result(T? value, TFailure? failure)
    {
        this.value = value;
        Failure = failure;
    }

    public TFailure? Failure { get; }

    public bool Succeeded => Failure is null;

    public T Value => Failure is null ? value! : throw new InvalidOperationException($"The operation failed ({Failure}); there is no value");

    public static implicit operator Result<T, TFailure>(T value) => new(value, null);

    public static implicit operator Result<T, TFailure>(TFailure failure) => new(default, failure);

    public TOut Match<TOut>(Func<T, TOut> succeeded, Func<TFailure, TOut> failed) => Failure is null ? succeeded(value!) : failed(Failure);
}
