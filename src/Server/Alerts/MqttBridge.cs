using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace P1Telemetry.Server.Alerts;

/// <summary>
/// The server's one MQTT connection (when <c>MQTT_URL</c> is set): reconnects with backoff, announces the
/// server's availability (with a retained <c>offline</c> will), publishes Home Assistant discovery once per
/// device and connection, the devices' retained states at most once a second and the alert events.
/// </summary>
/// <remarks>
/// Each replica publishes the state of the ingests it took. Two replicas may thus both publish a device's
/// state; each message is the device's complete state read from the shared database, retained, so the
/// broker keeps whichever came last and Home Assistant shows the current figures either way.
/// </remarks>
public sealed partial class MqttBridge(IOptions<AlertOptions> options, TimeProvider timeProvider, ILogger<MqttBridge> logger)
    : BackgroundService
{
    private static readonly TimeSpan StateInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastState = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _announced = new(StringComparer.Ordinal);
    private IMqttClient? _client;

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.MqttUrl);

    public bool IsConnected => _client?.IsConnected == true;

    /// <summary>Publishes the device's state unless one went out less than a second ago; false when not sent.</summary>
    public async Task<bool> PublishStateAsync(string deviceId, string deviceName, MqttState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_client is not { IsConnected: true } client)
        {
            return false;
        }

        var now = timeProvider.GetUtcNow();
        if (_lastState.TryGetValue(deviceId, out var last) && now - last < StateInterval && now >= last)
        {
            return false;
        }

        _lastState[deviceId] = now;
        if (_announced.TryAdd(deviceId, 0))
        {
            try
            {
                foreach (var (topic, config) in HomeAssistantDiscovery.Configs(options.Value.DiscoveryPrefix, deviceId, deviceName))
                {
                    await PublishAsync(client, topic, JsonSerializer.SerializeToUtf8Bytes(config, AlertsJsonContext.Default.DiscoveryConfig), retain: true, cancellationToken);
                }
            }
            catch
            {
                _announced.TryRemove(deviceId, out _);
                throw;
            }
        }

        await PublishAsync(client, MqttTopics.State(deviceId), JsonSerializer.SerializeToUtf8Bytes(state, AlertsJsonContext.Default.MqttState), retain: true, cancellationToken);
        return true;
    }

    /// <summary>Publishes an alert event (QoS 1, not retained); throws while the broker is away, so the delivery is retried.</summary>
    public async Task PublishEventAsync(string deviceId, string payload, CancellationToken cancellationToken)
    {
        if (_client is not { IsConnected: true } client)
        {
            throw new AlertDeliveryException("the MQTT broker is not connected");
        }

        await PublishAsync(client, MqttTopics.Event(deviceId), System.Text.Encoding.UTF8.GetBytes(payload), retain: false, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled || !MqttUrl.TryParse(options.Value.MqttUrl!, out var url, out _))
        {
            return;
        }

        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        var backoff = TimeSpan.FromSeconds(1);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(url!.Host, url.Port)
            .WithClientId($"p1telemetry-{Guid.NewGuid():N}")
            .WithCleanSession()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithWillTopic(MqttTopics.Availability)
            .WithWillPayload("offline"u8.ToArray())
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (url.User is not null)
        {
            builder = builder.WithCredentials(url.User, url.Password);
        }

        if (url.Tls)
        {
            builder = builder.WithTlsOptions(tls => tls.UseTls());
        }

        var clientOptions = builder.Build();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!client.IsConnected)
            {
                try
                {
                    await client.ConnectAsync(clientOptions, stoppingToken);
                    _announced.Clear();
                    await PublishAsync(client, MqttTopics.Availability, "online"u8.ToArray(), retain: true, stoppingToken);
                    LogConnected(logger, url.Host, url.Port);
                    backoff = TimeSpan.FromSeconds(1);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogConnectFailed(logger, url.Host, url.Port, ex.Message, backoff.TotalSeconds);
                    await Delay(backoff, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }
            }

            await Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }

        if (client.IsConnected)
        {
            try
            {
                await PublishAsync(client, MqttTopics.Availability, "offline"u8.ToArray(), retain: true, CancellationToken.None);
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                // The will says offline for us.
            }
        }

        _client = null;
    }

    private static async Task PublishAsync(IMqttClient client, string topic, byte[] payload, bool retain, CancellationToken cancellationToken) =>
        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .Build(), cancellationToken);

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            // Real time on purpose: reconnecting follows the wall clock even under a test clock.
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "MQTT connected to {Host}:{Port}")]
    private static partial void LogConnected(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "MQTT connection to {Host}:{Port} failed: {Error}; retrying in {Seconds} s")]
    private static partial void LogConnectFailed(ILogger logger, string host, int port, string error, double seconds);
}
