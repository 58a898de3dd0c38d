using System.Data.Common;
using System.Net.Sockets;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// Loads the device settings and grid tariffs into <see cref="DeviceSettingsCatalog"/> at start and then every
/// <see cref="Interval"/>, the bound within which a change made by another replica or the CLI applies here.
/// </summary>
internal sealed partial class DeviceSettingsRefresher(
    DeviceStore devices, DeviceSettingsCatalog catalog, TimeProvider timeProvider, ILogger<DeviceSettingsRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first load happens before the server answers, so no request sees only the defaults.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var settings = await devices.ListAsync(cancellationToken);
            var tariffs = await devices.ListTariffsAsync(cancellationToken);
            catalog.Replace(settings, tariffs);
        }
        catch (Exception ex) when (ex is DbException or SocketException or TimeoutException or InvalidOperationException)
        {
            // Before `migrate` or while the database is down: keep what is known and try again.
            LogRefreshFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Could not load the device settings; keeping the previous ones")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
