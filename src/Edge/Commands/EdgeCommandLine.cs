using System.CommandLine;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Security;

namespace P1Telemetry.Edge.Commands;

/// <summary><c>p1-edge</c> (the daemon), <c>pair</c>, <c>health</c> and <c>backfill</c>.</summary>
public static class EdgeCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Reads a HomeWizard P1 meter, spools every reading durably and uploads it to the server. Configured through environment variables (see .env.example).");
        root.SetAction((_, ct) => DaemonCommand.RunAsync(ct));

        var host = new Option<string>("--host") { Description = "The dongle's host, host:port or https URL", Required = true };
        var name = new Option<string>("--name") { Description = "The user name to register (1-40 characters)", DefaultValueFactory = _ => "p1-edge" };
        var pair = new Command("pair", "Pair with a v2 dongle: press its button when asked; prints the token for HW_P1_TOKEN.") { host, name };
        pair.SetAction(async (parse, ct) =>
        {
            var caFile = Environment.GetEnvironmentVariable("HW_CA_FILE");
            var roots = string.IsNullOrWhiteSpace(caFile) ? CertificateFiles.HomeWizardCa() : CertificateFiles.LoadPem(caFile);
            return await new PairCommand(Console.Out, Console.Error, TimeProvider.System)
                .RunAsync(parse.GetValue(host)!, parse.GetValue(name)!, roots, ct);
        });

        var health = new Command("health", "Print the daemon's health (HEALTH_PATH); exit 0 when healthy, 1 when not.");
        health.SetAction(async (_, ct) =>
        {
            var options = EdgeConfiguration.LoadValidated(Console.Error, (_, _) => { });
            return options is null ? 2 : await new HealthCommand(Console.Out, TimeProvider.System).RunAsync(options.EffectiveHealthPath, ct);
        });

        var file = new Argument<FileInfo>("file") { Description = "A history CSV written by 'p1-meter-simulator history'" };
        var backfill = new Command("backfill", "Spool the samples of a history CSV; the daemon uploads them.") { file };
        backfill.SetAction(async (parse, ct) =>
        {
            var options = EdgeConfiguration.LoadValidated(Console.Error, EdgeOptionsValidator.ValidateCommon);
            if (options is null)
            {
                return 2;
            }

            return await new BackfillCommand(Console.Out, Console.Error, TimeProvider.System)
                .RunAsync(parse.GetValue(file)!.FullName, options.SpoolPath, options.DeviceId?.Trim() ?? "", ct);
        });

        root.Subcommands.Add(pair);
        root.Subcommands.Add(health);
        root.Subcommands.Add(backfill);
        return root;
    }
}
