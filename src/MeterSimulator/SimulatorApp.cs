using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P1Telemetry.MeterSimulator.Api;
using P1Telemetry.MeterSimulator.Device;

namespace P1Telemetry.MeterSimulator;

/// <summary>Composes the simulated dongle: two Kestrel listeners, the meter clock, the API endpoints.</summary>
internal static class SimulatorApp
{
    public static WebApplication Build(SimulatedDevice device)
    {
        var options = device.Options;

        // An empty builder: no configuration sources, so ASPNETCORE_* variables meant for another server in
        // the same process (tests host several) cannot add endpoints or certificates to this one.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatorApp).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            var address = options.Bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Bind);
            kestrel.Listen(address, options.HttpPort);
            kestrel.Listen(address, options.HttpsPort, listen => listen.UseHttps(device.Certificates.DeviceCertificate));
        });

        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (options.ConsoleLogging)
        {
            builder.Logging.AddJsonConsole();
        }

        builder.Services.AddRouting();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(device);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());
        builder.Services.AddHostedService<MeterClock>();
        if (options.TelegramTcpPort is not null)
        {
            builder.Services.AddHostedService<TelegramTcpServer>();
        }

        if (options.SerialPty is not null)
        {
            builder.Services.AddHostedService<SerialPtyWriter>();
        }
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var app = builder.Build();
        app.UseWebSockets();
        app.UseMiddleware<FaultInjectionMiddleware>();
        app.UseRouting();
        app.MapV1Api();
        app.MapV2Api();
        app.MapV2WebSocket();
        app.MapSimControl();
        return app;
    }
}
