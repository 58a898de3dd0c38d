using System.CommandLine;
using P1Telemetry.Edge.Commands;
using P1Telemetry.Edge.Hosting;

NativeMemory.UseSingleArena();
NativeMemory.UseFixedThresholds();

// The daemon's host handles SIGTERM/SIGINT itself (stop reading, flush, exit 0), so the parser must not.
return await EdgeCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
