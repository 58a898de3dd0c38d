using System.Net.Sockets;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary>Dispatches the command line: <c>serve</c> (the default) or <c>history</c>.</summary>
internal static class SimulatorCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args is ["--help" or "-h" or "help", ..])
        {
            await output.WriteLineAsync(ServeCommand.Usage);
            return 0;
        }

        var errors = new List<string>();
        if (args is ["history", .. var historyArgs])
        {
            var request = HistoryCommand.Parse(historyArgs, TimeProvider.System, errors);
            if (request is null)
            {
                return await FailAsync(error, errors);
            }

            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            return await HistoryCommand.RunAsync(request, output, error, cancel.Token);
        }

        var serveArgs = args is ["serve", .. var rest] ? rest : args;
        var options = ServeCommand.Parse(serveArgs, Environment.GetEnvironmentVariable, errors);
        if (options is null)
        {
            return await FailAsync(error, errors);
        }

        try
        {
            return await ServeCommand.RunAsync(options, output);
        }
        catch (IOException ex) when (ex.InnerException is SocketException || ex.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
        {
            await error.WriteLineAsync($"Cannot listen: {ex.Message} (choose other ports with --http-port / --https-port, or 0 for random ones)");
            return 1;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            await error.WriteLineAsync($"Cannot use the state directory '{options.StateDirectory}' (--state-dir, SIM_STATE_DIR): {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> FailAsync(TextWriter error, List<string> errors)
    {
        foreach (var message in errors)
        {
            await error.WriteLineAsync(message);
        }

        await error.WriteLineAsync("Run 'p1-meter-simulator --help' for the options.");
        return 2;
    }
}
