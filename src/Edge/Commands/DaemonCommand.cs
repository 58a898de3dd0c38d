using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Hosting;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.P1;
using P1Telemetry.Edge.Polling;
using P1Telemetry.Edge.Security;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.Edge.Commands;

/// <summary>The daemon: a generic host with the reader loop, the upload loop and the health file writer.</summary>
public static class DaemonCommand
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var validator = new EdgeOptionsValidator();
        var options = EdgeConfiguration.LoadValidated(Console.Error, (o, errors) =>
        {
            var result = validator.Validate(null, o);
            if (result.Failed)
            {
                errors.AddRange(result.Failures);
            }
        });
        if (options is null)
        {
            return 2;
        }

        using var host = Build(options);
        await host.StartAsync(cancellationToken);
        var spool = host.Services.GetRequiredService<SampleSpool>();
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("P1Telemetry.Edge").Started(
            options.SourceDescription, options.IngestUri!.ToString(), options.SpoolPath, await spool.CountAsync(cancellationToken));
        await host.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    public static IHost Build(EdgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.SetMinimumLevel(ParseLevel(builder.Configuration["LOG_LEVEL"]));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // Under systemd (Type=notify): READY=1 once started, STOPPING=1 on SIGTERM, and log lines journald
        // understands ("<6>..." with the level as syslog priority) instead of JSON. Elsewhere: no change.
        builder.Services.AddSystemd();

        var services = builder.Services;
        // Bound and validated once, before the host is built (RunAsync): every problem is printed, naming its variable.
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(host =>
        {
            // The upload loop's final flush must fit in the shutdown window.
            host.ShutdownTimeout = options.ShutdownFlush + TimeSpan.FromSeconds(5);
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        services.AddSingleton(sp =>
        {
            var health = new HealthMonitor(sp.GetRequiredService<TimeProvider>(), options.HealthThresholds);
            health.RecordSource(options.SourceDescription);
            return health;
        });
        services.AddSingleton(sp => SampleSpool.Open(options.SpoolPath, sp.GetRequiredService<TimeProvider>()));
        if (options.Source == MeterSource.HomeWizard)
        {
            services.AddSingleton(sp =>
            {
                if (!MeterAddress.TryParse(options.MeterHost, out var address))
                {
                    throw new OptionsValidationException("HW_P1_HOST", typeof(EdgeOptions), ["HW_P1_HOST is not a host, host:port or URL."]);
                }

                var roots = string.IsNullOrWhiteSpace(options.MeterCaFile) ? CertificateFiles.HomeWizardCa() : CertificateFiles.LoadPem(options.MeterCaFile);
                return new MeterClient(address, options.MeterToken, options.ParsedApiVersion, options.HttpTimeout, roots,
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MeterClient>>());
            });
        }
        else
        {
            services.AddSingleton<ITelegramTransport>(_ => options.Source == MeterSource.Serial
                ? new SerialTelegramTransport(options)
                : new TcpTelegramTransport(options));
        }

        services.AddSingleton<MeterDataWatch>();
        services.AddSingleton<MeterPeakHistory>();
        services.AddSingleton<TelegramProcessor>();
        services.AddSingleton(_ => new MeterPeaksClient(options.IngestUri!, options.ServerToken!, options.HttpTimeout,
            string.IsNullOrWhiteSpace(options.ServerCaFile) ? null : CertificateFiles.LoadPem(options.ServerCaFile)));
        services.AddSingleton(sp => new ReadingPipeline(sp.GetRequiredService<SampleSpool>(), sp.GetRequiredService<HealthMonitor>(),
            options, sp.GetRequiredService<ILogger<ReadingPipeline>>(), sp.GetRequiredService<MeterDataWatch>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new IngestClient(options.IngestUri!, options.ServerToken!, options.HttpTimeout,
            string.IsNullOrWhiteSpace(options.ServerCaFile) ? null : CertificateFiles.LoadPem(options.ServerCaFile)));
        services.AddSingleton(sp => new DeviceIdentity(options.DeviceId, sp.GetRequiredService<IngestClient>(),
            sp.GetRequiredService<HealthMonitor>(), sp.GetRequiredService<ILogger<DeviceIdentity>>()));
        services.AddSingleton(sp => new BatchUploader(sp.GetRequiredService<SampleSpool>(), sp.GetRequiredService<IngestClient>(),
            sp.GetRequiredService<DeviceIdentity>(), sp.GetRequiredService<HealthMonitor>(), options.BatchSize,
            sp.GetRequiredService<ILogger<BatchUploader>>()));
        services.AddSingleton(_ => new ExponentialBackoff(options.BackoffBase, options.BackoffMax, Random.Shared));

        // Hosted services stop in reverse order: reading stops first, then the upload loop flushes, then the
        // health file records the final state.
        services.AddHostedService<HealthFileWriter>();
        services.AddHostedService<UploaderService>();
        services.AddHostedService<MeterPeaksPosterService>();
        if (options.Source == MeterSource.HomeWizard)
        {
            services.AddHostedService<MeterReaderService>();
            services.AddHostedService<HomeWizardTelegramService>();
        }
        else
        {
            services.AddHostedService<TelegramReaderService>();
        }
        services.AddHostedService(sp => new MemoryTrimmer(sp.GetRequiredService<TimeProvider>()));
        return builder.Build();
    }

    private static LogLevel ParseLevel(string? text) =>
        Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) ? level : text?.ToUpperInvariant() switch
        {
            "WARN" => LogLevel.Warning,
            "ERR" => LogLevel.Error,
            "DBG" => LogLevel.Debug,
            _ => LogLevel.Information,
        };
}
