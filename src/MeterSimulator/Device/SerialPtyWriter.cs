using System.Text;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// <c>--serial-pty PATH</c>: writes the raw telegrams into one end of a pseudo-terminal pair (e.g. made by
/// <c>socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>), so a reader on the other end sees a P1 cable.
/// When the terminal goes away the writer opens it again once it is back.
/// </summary>
internal sealed partial class SerialPtyWriter(SimulatedDevice device, ILogger<SerialPtyWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = device.Options.SerialPty!;
        var telegrams = device.RawFeed.Subscribe(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var pty = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0, useAsync: false);
                LogOpened(logger, path);
                await foreach (var telegram in telegrams.ReadAllAsync(stoppingToken))
                {
                    var bytes = Encoding.Latin1.GetBytes(telegram.Text);
                    pty.Write(bytes);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogFailed(logger, path, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Writing raw telegrams into {Path}")]
    private static partial void LogOpened(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write into {Path} ({Reason}); trying again")]
    private static partial void LogFailed(ILogger logger, string path, string reason);
}
