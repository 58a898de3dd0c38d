using System.CommandLine;
using System.Net.Sockets;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary><c>p1-meter-simulator [serve]</c> (serve is the default) and <c>history</c>.</summary>
internal static class SimulatorCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Build(output, error).Parse(args is ["help", .. var rest] ? ["--help", .. rest] : args);
        if (parse.Errors.Count > 0)
        {
            return await FailAsync(error, [.. ArgumentReader.Problems(parse)]);
        }

        // serve stops on SIGINT/SIGTERM itself (and exits 0), so the parser must not.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("A faithful fake of a HomeWizard P1 dongle: the v1 (HTTP) and v2 (HTTPS, token, WebSocket) APIs and raw P1 telegrams. Each serve option also reads SIM_<NAME>, e.g. SIM_HTTP_PORT.");
        AddServe(root, output, error);
        var serve = new Command("serve", "Run the fake dongle until SIGINT/SIGTERM (the default command).");
        AddServe(serve, output, error);
        root.Subcommands.Add(serve);

        var history = new Command("history", "Write N local days of meter history as CSV (the edge's 'backfill' reads it).");
        var historyOptions = HistoryCommand.Options();
        historyOptions.AddTo(history);
        history.SetAction(async (parse, _) =>
        {
            var errors = new List<string>();
            var request = HistoryCommand.Read(parse, historyOptions, TimeProvider.System, errors);
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
        });
        root.Subcommands.Add(history);
        return root;
    }

    private static void AddServe(Command command, TextWriter output, TextWriter error)
    {
        var definition = ServeCommand.Options();
        definition.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            var errors = new List<string>();
            var options = ServeCommand.Read(parse, definition, Environment.GetEnvironmentVariable, errors);
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
        });
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
