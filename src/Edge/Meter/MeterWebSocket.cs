using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using P1Telemetry.Edge.Configuration;

namespace P1Telemetry.Edge.Meter;

/// <summary>
/// One v2 WebSocket session: answers <c>authorization_requested</c> with the token, subscribes to
/// <c>measurement</c> and hands every pushed measurement to the caller until the connection ends.
/// </summary>
public static class MeterWebSocket
{
    private static readonly byte[] _subscribeMessage = Encoding.UTF8.GetBytes("""{"type":"subscribe","data":"measurement"}""");

    /// <summary>
    /// Runs until the dongle closes the socket, an error occurs, nothing arrives within
    /// <paramref name="silenceLimit"/>, or <paramref name="cancellationToken"/> fires. Returns how many
    /// measurements arrived; throws <see cref="WebSocketException"/>-like errors to the caller.
    /// </summary>
    public static async Task<long> RunAsync(MeterClient client, TimeSpan silenceLimit, TimeProvider time,
        Func<RawReading, CancellationToken, Task> onReading, Action? onConnected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(onReading);
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        using var invoker = new HttpMessageInvoker(client.V2Handler, disposeHandler: false);
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(silenceLimit);
            await socket.ConnectAsync(client.Address.WebSocketUri(), invoker, connectTimeout.Token);
        }

        onConnected?.Invoke();
        var buffer = new ArrayBufferWriter<byte>(8192);
        long received = 0;
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                using (var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    silence.CancelAfter(silenceLimit);
                    try
                    {
                        if (!await ReceiveMessageAsync(socket, buffer, silence.Token))
                        {
                            return received;
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new TimeoutException($"no message from the meter for {silenceLimit.TotalSeconds:0.#} s");
                    }
                }

                var (type, data) = Parse(buffer.WrittenMemory);
                switch (type)
                {
                    case "authorization_requested":
                        var auth = JsonSerializer.SerializeToUtf8Bytes(
                            new AuthorizationMessage("authorization", client.Token ?? ""), MeterJsonContext.Default.AuthorizationMessage);
                        await socket.SendAsync(auth, WebSocketMessageType.Text, true, cancellationToken);
                        break;
                    case "authorized":
                        await socket.SendAsync(_subscribeMessage, WebSocketMessageType.Text, true, cancellationToken);
                        break;
                    case "measurement" when data is not null:
                        received++;
                        await onReading(new RawReading(MeterApiVersion.V2, data, time.GetUtcNow()), cancellationToken);
                        break;
                    case "error":
                        throw new InvalidOperationException("the meter reported " + Encoding.UTF8.GetString(buffer.WrittenSpan));
                    default:
                        break;
                }
            }
        }
        finally
        {
            if (socket.State == WebSocketState.Open)
            {
                using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closeTimeout.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                    // The connection is going away either way.
                }
            }
        }
    }

    private static async Task<bool> ReceiveMessageAsync(ClientWebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > 1024 * 1024)
            {
                throw new InvalidOperationException("the meter sent a message larger than 1 MiB");
            }

            if (result.EndOfMessage)
            {
                return true;
            }
        }
    }

    private static (string? Type, byte[]? Data) Parse(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return (null, null);
            }

            byte[]? data = root.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.Object
                ? JsonMarshal.GetRawUtf8Value(dataElement).ToArray()
                : null;
            return (type.GetString(), data);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
