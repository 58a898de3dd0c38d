using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>A scanner sending bad tokens must not write one warning per request into the log.</summary>
public sealed class AuthLoggingTests : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ServerFactory _server;

    public AuthLoggingTests() =>
        _server = new ServerFactory(new Dictionary<string, string?> { ["LOG_LEVEL"] = "Information" })
        {
            TestServices = services => services.AddSingleton<ILoggerProvider>(_logs),
        };

    public void Dispose()
    {
        _server.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Unauthorized_requests_log_nothing_at_information_or_above()
    {
        using var client = _server.CreateClient(token: null);
        using (var started = await client.GetAsync("/health/live"))
        {
            started.EnsureSuccessStatusCode();
        }

        _logs.Entries.Clear();
        for (var i = 0; i < 50; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/realtime?device_id={ServerFactory.Device1}");
            if (i % 2 == 0)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"guess-{i}");
            }

            using var response = await client.SendAsync(request);
            await response.ReadProblemAsync(401);
        }

        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Information);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
