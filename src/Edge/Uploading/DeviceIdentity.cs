using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Health;

namespace P1Telemetry.Edge.Uploading;

/// <summary>
/// The device id the samples carry: <c>DEVICE_ID</c> when configured (checked once against the server), else
/// learnt from <c>GET /v1/me</c> before the first upload. The reader loop never waits for it: samples are
/// spooled without it and stamped at upload time.
/// </summary>
public sealed class DeviceIdentity(string? configured, IngestClient client, HealthMonitor health, ILogger<DeviceIdentity> logger)
{
    private readonly string? _configured = string.IsNullOrWhiteSpace(configured) ? null : configured.Trim();
    private bool _checked;

    public string? Current { get; private set; } = string.IsNullOrWhiteSpace(configured) ? null : configured.Trim();

    /// <summary>The outcome of the last failed attempt to learn the id.</summary>
    public ServerReply? LastFailure { get; private set; }

    public async Task<string?> ResolveAsync(CancellationToken cancellationToken)
    {
        if (_configured is not null)
        {
            if (!_checked)
            {
                await CheckConfiguredAsync(_configured, cancellationToken);
            }

            return _configured;
        }

        if (Current is not null)
        {
            return Current;
        }

        var (deviceId, result) = await client.GetDeviceIdAsync(cancellationToken);
        if (deviceId is null)
        {
            LastFailure = result;
            logger.DeviceIdUnknown(result.Detail);
            return null;
        }

        Current = deviceId;
        LastFailure = null;
        health.RecordDeviceId(deviceId);
        logger.DeviceIdLearnt(deviceId);
        return deviceId;
    }

    private async Task CheckConfiguredAsync(string configuredId, CancellationToken cancellationToken)
    {
        health.RecordDeviceId(configuredId);
        var (serverId, result) = await client.GetDeviceIdAsync(cancellationToken);
        if (serverId is null)
        {
            logger.DeviceIdUnknown(result.Detail);
            // A server that is merely down is asked again next time; one without the endpoint is not.
            _checked = result.Status != ReplyStatus.Transient;
            return;
        }

        _checked = true;
        if (!string.Equals(serverId, configuredId, StringComparison.Ordinal))
        {
            logger.DeviceIdMismatch(configuredId, serverId);
        }
    }
}
