using P1Telemetry.MeterSimulator.Cli;

return await SimulatorCommandLine.RunAsync(args, Console.Out, Console.Error);
