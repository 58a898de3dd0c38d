using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using P1Telemetry.MeterSimulator.Device;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>
/// <c>wss://…/api/ws</c>: the device asks for authorization, the client sends its token, and once
/// authorized and subscribed to <c>measurement</c> it gets one push per new telegram.
/// </summary>
internal static partial class V2WebSocketEndpoint
{
    internal static readonly TimeSpan AuthorizationTimeout = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapV2WebSocket(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ws", HandleAsync).WithMetadata(new ApiListenerMetadata(Https: true));
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, SimulatedDevice device, IHostApplicationLifetime lifetime,
        ILogger<SimulatedDevice> logger)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return V2Endpoints.Error("request:websocket-required", StatusCodes.Status400BadRequest);
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var session = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        using var connection = new Connection(socket);
        try
        {
            await RunAsync(connection, device, logger, session.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away or the simulator stops: nothing left to tell anyone.
        }
        finally
        {
            await session.CancelAsync();
            await connection.CloseQuietlyAsync();
        }

        return TypedResults.Empty;
    }

    private static async Task RunAsync(Connection connection, SimulatedDevice device, ILogger logger, CancellationToken cancellationToken)
    {
        await connection.SendAsync(new WsAuthorizationRequested("authorization_requested", new WsApiVersion(MeterPayloads.V2ApiVersion)),
            SimulatorJsonContext.Default.WsAuthorizationRequested, cancellationToken);

        using (var authTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            authTimeout.CancelAfter(AuthorizationTimeout);
            var first = await connection.ReceiveAsync(authTimeout.Token);
            if (first is not { Type: "authorization" } || !device.Pairing.IsValid(first.Data))
            {
                LogRejected(logger);
                await connection.SendAsync(new WsErrorMessage("error", new WsErrorData("user:unauthorized")),
                    SimulatorJsonContext.Default.WsErrorMessage, cancellationToken);
                await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "user:unauthorized", cancellationToken);
                return;
            }
        }

        await connection.SendAsync(new WsTextMessage("authorized", null), SimulatorJsonContext.Default.WsTextMessage, cancellationToken);
        LogAuthorized(logger);

        using var pushes = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? pushLoop = null;
        try
        {
            while (await connection.ReceiveAsync(cancellationToken) is { } message)
            {
                switch (message)
                {
                    case { Type: "subscribe", Data: "measurement" or "*" } when pushLoop is null:
                        pushLoop = PushMeasurementsAsync(connection, device, pushes.Token);
                        break;
                    case { Type: "subscribe", Data: "system" }:
                        await connection.SendAsync(new WsSystemMessage("system", MeterPayloads.System(device)),
                            SimulatorJsonContext.Default.WsSystemMessage, cancellationToken);
                        break;
                    case { Type: "subscribe", Data: "device" }:
                        await connection.SendAsync(new WsDeviceMessage("device", MeterPayloads.DeviceInfo(device, v2: true)),
                            SimulatorJsonContext.Default.WsDeviceMessage, cancellationToken);
                        break;
                    case { Type: "subscribe", Data: "measurement" or "*" }:
                        break;
                    default:
                        await connection.SendAsync(new WsErrorMessage("error", new WsErrorData("request:unknown-message")),
                            SimulatorJsonContext.Default.WsErrorMessage, cancellationToken);
                        break;
                }
            }
        }
        finally
        {
            await pushes.CancelAsync();
            if (pushLoop is not null)
            {
                await pushLoop.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    private static async Task PushMeasurementsAsync(Connection connection, SimulatedDevice device, CancellationToken cancellationToken)
    {
        var telegrams = device.Feed.Subscribe(cancellationToken);
        await foreach (var telegram in telegrams.ReadAllAsync(cancellationToken))
        {
            var measurement = MeterPayloads.ToV2(telegram, device.Serial, device.Faults.Current.BelgianFields);
            await connection.SendAsync(new WsMeasurementMessage("measurement", measurement),
                SimulatorJsonContext.Default.WsMeasurementMessage, cancellationToken);
        }
    }

    /// <summary>One WebSocket with its sends serialized: the receive loop and the push loop both send.</summary>
    private sealed class Connection(WebSocket socket) : IDisposable
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public async Task SendAsync<T>(T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(message, typeInfo);
            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        /// <summary>The next text message, or null when the client closed. Malformed JSON reads as an unknown message.</summary>
        public async Task<WsTextMessage?> ReceiveAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[4096];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > 64 * 1024)
                {
                    return new WsTextMessage("too-large", null);
                }

                if (result.EndOfMessage)
                {
                    break;
                }
            }

            try
            {
                using var document = JsonDocument.Parse(message.ToArray());
                var root = document.RootElement;
                var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return new WsTextMessage(type, data);
            }
            catch (JsonException)
            {
                return new WsTextMessage("", null);
            }
        }

        public async Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
        {
            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                await socket.CloseOutputAsync(status, description, cancellationToken);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        public void Dispose() => _sendLock.Dispose();

        public async Task CloseQuietlyAsync()
        {
            if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Best effort: the peer may already be gone.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket client authorized")]
    private static partial void LogAuthorized(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client rejected: missing or invalid token")]
    private static partial void LogRejected(ILogger logger);
}
