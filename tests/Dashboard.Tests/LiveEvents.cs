using System.Text;
using System.Text.Json;

namespace P1Telemetry.Dashboard.Tests;

/// <summary>A client of <c>GET /v1/live</c> that reads the event stream line by line.</summary>
public sealed class LiveEvents : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private LiveEvents(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        _client = client;
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<LiveEvents> OpenAsync(HttpClient client, string deviceId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/live?device_id={deviceId}");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        return new LiveEvents(client, response, reader);
    }

    /// <summary>The next event of the given type (other events and comments are skipped).</summary>
    public async Task<JsonElement> NextAsync(string eventType, TimeSpan timeout, Func<JsonElement, bool>? accept = null)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        string? type = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellation.Token) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if (type == eventType && data.Length > 0)
                {
                    var element = JsonDocument.Parse(data.ToString()).RootElement.Clone();
                    if (accept is null || accept(element))
                    {
                        return element;
                    }
                }

                (type, data) = (null, new StringBuilder());
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                type = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
            }
        }
    }

    /// <summary>Reads until a comment line (<c>: ...</c>) arrives; returns it.</summary>
    public async Task<string> NextCommentAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellation.Token) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.StartsWith(':'))
            {
                return line;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _client.Dispose();
        await Task.CompletedTask;
    }
}
