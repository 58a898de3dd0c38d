using System.Diagnostics;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// A real pseudo-terminal pair made by socat: what is written into <see cref="MeterEnd"/> comes out of
/// <see cref="ReaderEnd"/>, as through a P1 cable. Raw mode, no echo, like a serial line.
/// </summary>
internal sealed class PseudoTerminalPair : IAsyncDisposable
{
    private readonly Process _socat;

    private PseudoTerminalPair(Process socat, string meterEnd, string readerEnd)
    {
        _socat = socat;
        MeterEnd = meterEnd;
        ReaderEnd = readerEnd;
    }

    public string MeterEnd { get; }

    public string ReaderEnd { get; }

    public static async Task<PseudoTerminalPair> CreateAsync(string directory)
    {
        var meterEnd = Path.Combine(directory, "p1-meter");
        var readerEnd = Path.Combine(directory, "p1-cable");
        var start = new ProcessStartInfo("socat")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-d", "-d", $"pty,raw,echo=0,link={meterEnd}", $"pty,raw,echo=0,link={readerEnd}" })
        {
            start.ArgumentList.Add(argument);
        }

        var socat = Process.Start(start) ?? throw new InvalidOperationException("socat did not start (apt-get install socat)");
        socat.BeginOutputReadLine();
        socat.BeginErrorReadLine();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!(File.Exists(meterEnd) && File.Exists(readerEnd)))
        {
            if (socat.HasExited || DateTimeOffset.UtcNow > deadline)
            {
                socat.Dispose();
                throw new InvalidOperationException("socat did not create the pseudo-terminal pair");
            }

            await Task.Delay(50);
        }

        return new PseudoTerminalPair(socat, meterEnd, readerEnd);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_socat.HasExited)
        {
            _socat.Kill();
            await _socat.WaitForExitAsync();
        }

        _socat.Dispose();
    }
}
