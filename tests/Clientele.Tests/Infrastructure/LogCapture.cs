using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Clientele.Tests.Infrastructure;

/// <summary>
/// Records every line the test server logs (Debug and up, whatever the app's own filters say), with
/// its structured values, scopes and exceptions, so tests can assert that no secret ever reaches a log.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyList<string> Snapshot() => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner.lines.Enqueue($"{category} scope: {Values(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The message, and the values apart: a value may be logged without appearing in the template.
            owner.lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {Values(state)} {exception}");
        }

        private static string Values<TState>(TState state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : state?.ToString() ?? "";
    }
}
