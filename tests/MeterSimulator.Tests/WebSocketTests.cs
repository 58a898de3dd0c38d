using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>The v2 WebSocket: authorization handshake, then one measurement push per new telegram.</summary>
public sealed class WebSocketTests
{
    private static async Task<ClientWebSocket> ConnectAsync(SimulatorHost host)
    {
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            SimulatorClients.IsDeviceCertificate(certificate, errors, host.CaCertificate, host.Serial);
        var uri = new UriBuilder(host.V2BaseUri) { Scheme = "wss", Path = "api/ws" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, timeout.Token);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads messages in the background, so a test can wait for one with a timeout without aborting the socket.</summary>
    private static ChannelReader<JsonElement> ReadAll(ClientWebSocket socket)
    {
        var channel = Channel.CreateUnbounded<JsonElement>();
        _ = Task.Run(async () =>
        {
            var buffer = new byte[1 << 16];
            try
            {
                while (true)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        message.Write(buffer, 0, result.Count);
                    }
                    while (!result.EndOfMessage);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    using var document = JsonDocument.Parse(message.ToArray());
                    channel.Writer.TryWrite(document.RootElement.Clone());
                }
            }
            catch (WebSocketException)
            {
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    private static async Task<JsonElement> NextAsync(ChannelReader<JsonElement> messages, double seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await messages.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task Authorized_and_subscribed_client_receives_measurements_as_telegrams_arrive()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Speed = 20 });
        var token = host.CreatePairedToken("local/ws");
        using var socket = await ConnectAsync(host);
        var messages = ReadAll(socket);

        var requested = await NextAsync(messages);
        Assert.Equal("authorization_requested", requested.GetProperty("type").GetString());

        await SendAsync(socket, new { type = "authorization", data = token });
        Assert.Equal("authorized", (await NextAsync(messages)).GetProperty("type").GetString());

        await SendAsync(socket, new { type = "subscribe", data = "measurement" });
        var pushes = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            pushes.Add(await NextAsync(messages));
        }

        Assert.All(pushes, p => Assert.Equal("measurement", p.GetProperty("type").GetString()));
        var timestamps = pushes.Select(p => DateTime.Parse(p.GetProperty("data").GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        for (var i = 1; i < timestamps.Count; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(1), timestamps[i] - timestamps[i - 1]);
        }

        var fixture = FixtureFiles.Load("v2-measurement-HWE-P1-3phase-gas-water-belgian-peak.json");
        FixtureFiles.AssertHasAll(FixtureFiles.Keys(pushes[0].GetProperty("data")), FixtureFiles.Keys(fixture), "push lacks measurement keys");
    }

    [Fact]
    public async Task One_push_per_new_telegram_and_none_without_one()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { TimeProvider = time });
        using var socket = await ConnectAsync(host);
        var messages = ReadAll(socket);
        await NextAsync(messages);
        await SendAsync(socket, new { type = "authorization", data = host.CreatePairedToken("local/ws") });
        await NextAsync(messages);
        await SendAsync(socket, new { type = "subscribe", data = "measurement" });

        // The subscription is in place once a telegram produced after it is pushed.
        JsonElement? first = null;
        for (var attempt = 0; attempt < 100 && first is null; attempt++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
            if (messages.TryRead(out var message))
            {
                first = message;
            }
        }

        Assert.NotNull(first);

        // On a busy machine a push of an earlier attempt can still be in flight: let it land and drop it, so
        // that each push below answers exactly the telegram its Advance produced.
        await Task.Delay(300);
        while (messages.TryRead(out _))
        {
        }

        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var push = await NextAsync(messages);
            Assert.Equal(
                host.LatestReading.MeterTimestamp.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                push.GetProperty("data").GetProperty("timestamp").GetString());
            Assert.Equal(host.LatestReading.PowerW, push.GetProperty("data").GetProperty("power_w").GetInt32());
        }

        await Task.Delay(300);
        Assert.False(messages.TryRead(out _), "no telegram, no push");
    }

    [Fact]
    public async Task A_bad_token_gets_an_error_and_the_socket_is_closed()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Speed = 20 });
        using var socket = await ConnectAsync(host);
        var messages = ReadAll(socket);
        await NextAsync(messages);

        await SendAsync(socket, new { type = "authorization", data = "0123456789ABCDEF0123456789ABCDEF" });
        var error = await NextAsync(messages);

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Contains("user:unauthorized", error.GetProperty("data").GetRawText(), StringComparison.Ordinal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await messages.WaitToReadAsync(timeout.Token))
        {
            Assert.True(messages.TryRead(out var extra));
            Assert.NotEqual("measurement", extra.GetProperty("type").GetString());
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task Subscribing_to_system_and_device_sends_them_once()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { TimeProvider = time });
        using var socket = await ConnectAsync(host);
        var messages = ReadAll(socket);
        await NextAsync(messages);
        await SendAsync(socket, new { type = "authorization", data = host.CreatePairedToken("local/ws") });
        await NextAsync(messages);

        await SendAsync(socket, new { type = "subscribe", data = "system" });
        var system = await NextAsync(messages);
        await SendAsync(socket, new { type = "subscribe", data = "device" });
        var device = await NextAsync(messages);

        Assert.Equal("system", system.GetProperty("type").GetString());
        Assert.Equal(FixtureFiles.Keys(FixtureFiles.Load("v2-system-HWE-P1.json")), FixtureFiles.Keys(system.GetProperty("data")));
        Assert.Equal("device", device.GetProperty("type").GetString());
        Assert.Equal(host.Serial, device.GetProperty("data").GetProperty("serial").GetString());
    }

    [Fact]
    public async Task A_plain_GET_on_the_WebSocket_path_is_a_400()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions());
        using var client = SimulatorClients.V2(host);
        using var response = await client.GetAsync("api/ws");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"error\"", Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }
}
