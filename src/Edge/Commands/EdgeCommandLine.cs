using System.CommandLine;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Security;

namespace P1Telemetry.Edge.Commands;

/// <summary><c>p1-edge</c> (the daemon), <c>pair</c>, <c>health</c>, <c>backfill</c> and <c>quarantine</c>.</summary>
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
            return options is null ? 2 : await new HealthCommand(Console.Out, TimeProvider.System).RunAsync(options.EffectiveHealthPath, ct, options.HealthThresholds);
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
                .RunAsync(parse.GetValue(file)!.FullName, options.SpoolPath, ct);
        });

        root.Subcommands.Add(pair);
        root.Subcommands.Add(health);
        root.Subcommands.Add(backfill);
        root.Subcommands.Add(Quarantine());
        return root;
    }

    /// <summary><c>quarantine list [--json] [--limit N]</c> and <c>quarantine requeue (&lt;id&gt;... | --all)</c> on <c>SPOOL_PATH</c>.</summary>
    private static Command Quarantine()
    {
        var json = new Option<bool>("--json") { Description = "Print the entries as one JSON object" };
        var limit = new Option<int>("--limit") { Description = "Show at most this many entries, oldest first", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Show the quarantined readings and samples with the reason of each.") { json, limit };
        list.SetAction(async (parse, ct) =>
        {
            var options = EdgeConfiguration.LoadValidated(Console.Error, EdgeOptionsValidator.ValidateCommon);
            return options is null ? 2 : await new QuarantineCommand(Console.Out, Console.Error, TimeProvider.System)
                .ListAsync(options.SpoolPath, parse.GetValue(json), parse.GetValue(limit), ct);
        });

        var ids = new Argument<long[]>("id") { Description = "Ids of the entries to send again (from 'quarantine list')", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Send every quarantined sample again" };
        var requeue = new Command("requeue", "Move quarantined samples back into the spool, in order; the daemon uploads them again.") { ids, all };
        requeue.SetAction(async (parse, ct) =>
        {
            var options = EdgeConfiguration.LoadValidated(Console.Error, EdgeOptionsValidator.ValidateCommon);
            return options is null ? 2 : await new QuarantineCommand(Console.Out, Console.Error, TimeProvider.System)
                .RequeueAsync(options.SpoolPath, parse.GetValue(all), parse.GetValue(ids) ?? [], ct);
        });

        return new Command("quarantine", "Look at the quarantined readings and send samples among them again.") { list, requeue };
    }
}
