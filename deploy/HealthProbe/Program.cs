using P1Telemetry.HealthProbe;

return await Probe.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
