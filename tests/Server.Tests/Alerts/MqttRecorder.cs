using System.Collections.Concurrent;
using System.Text;
using MQTTnet;

namespace P1Telemetry.Server.Tests.Alerts;

public sealed record MqttMessage(string Topic, string Payload, bool Retain);

/// <summary>A real MQTT client subscribed to everything on the test broker, as Home Assistant would be.</summary>
public sealed class MqttRecorder : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private MqttRecorder(IMqttClient client) => _client = client;

    public ConcurrentQueue<MqttMessage> Messages { get; } = new();

    public static async Task<MqttRecorder> StartAsync(int port, string filter = "#")
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var recorder = new MqttRecorder(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            recorder.Messages.Enqueue(new MqttMessage(message.Topic, Encoding.UTF8.GetString(message.Payload), message.Retain));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"recorder-{Guid.NewGuid():N}").Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter).Build());
        return recorder;
    }

    public IReadOnlyList<MqttMessage> On(string topic) => Messages.Where(m => m.Topic == topic).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        _client.Dispose();
    }
}
