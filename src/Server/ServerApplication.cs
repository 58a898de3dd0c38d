using System.Data.Common;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Accounts;
using P1Telemetry.Server.Alerts;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Dashboard;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Health;
using P1Telemetry.Server.Identity;
using P1Telemetry.Server.Ingest;
using P1Telemetry.Server.MeterPeaks;
using P1Telemetry.Server.OpenApi;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Storage;
using P1Telemetry.Server.Storage.Migrations;

namespace P1Telemetry.Server;

/// <summary>How the server is composed: services, middleware and the endpoint groups.</summary>
public static class ServerApplication
{
    /// <summary>The group every API lives in; it requires a device token, a user's API token or a session.</summary>
    public const string ApiPrefix = "/v1";

    public static WebApplicationBuilder AddP1Server(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        // Framework chatter (request lines, key ring) stays out of the product's logs unless asked for.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var minimum = LogLevel.Information;
        if (configuration["LOG_LEVEL"] is { Length: > 0 } level)
        {
            minimum = Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed)
                ? parsed
                : throw new OptionsValidationException("LOG_LEVEL", typeof(LogLevel),
                    [$"LOG_LEVEL must be one of {string.Join(", ", Enum.GetNames<LogLevel>())}, not '{level}'."]);
            builder.Logging.SetMinimumLevel(minimum);
        }

        // The authentication framework writes information lines for every rejected request; a scanner must not
        // fill the disk with them. The handler's own failure line is at Debug.
        builder.Logging.AddFilter(typeof(DeviceTokenAuthenticationHandler).FullName, l => l >= minimum && l != LogLevel.Information);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailDefaults.Describe);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());

        services.AddSampleStorage(configuration);
        services.AddServerMetrics(configuration);
        services.AddMeterPeaks();
        services.AddCache(configuration);
        services.AddDeviceTokenAuth(configuration);
        services.AddOptions<IngestOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DashboardAssets>();
        services.AddReadPath(configuration);
        services.AddAlerts(configuration);
        builder.AddLoopbackListener();
        return builder;
    }

    public static WebApplication MapP1Server(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.TrustForwardedHeaders)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            app.UseForwardedHeaders(forwarded);
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseLoopbackListenerRules();
        app.UseAuthentication();
        app.UseSessionAntiforgery();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "P1 Telemetry v1");
            o.RoutePrefix = "swagger";
        });

        app.MapDashboard();
        app.MapHealth();
        app.MapMetrics();
        app.MapSignIn();

        var api = app.MapGroup(ApiPrefix).RequireAuthorization(AuthServiceCollectionExtensions.CallerPolicy);
        // Only a device token ingests (for its own device) and has a device of its own.
        var devicesOnly = api.MapGroup(string.Empty).RequireAuthorization(AuthServiceCollectionExtensions.DevicePolicy);
        devicesOnly.MapIngest();
        devicesOnly.MapMe();
        devicesOnly.MapMeterPeaks();
        api.MapReadPath();
        api.MapSession();
        api.MapDevices();
        api.MapAlerts();
        return app;
    }

    /// <summary>Serves until SIGTERM/SIGINT; in-flight requests complete before the process exits 0.</summary>
    public static async Task<int> ServeAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync();
            var backend = app.Services.GetRequiredService<ISampleStore>().Backend;
            var cacheKind = app.Services.GetRequiredService<CacheStatus>().Kind;
            var deviceCount = app.Services.GetRequiredService<DeviceTokenRegistry>().Count;
            Log.Starting(app.Logger, backend, cacheKind, deviceCount);
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid configuration: {string.Join(" ", ex.Failures)}");
            return 2;
        }
    }

    /// <summary>The <c>migrate</c> command: applies the pending migrations and exits.</summary>
    public static async Task<int> MigrateAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            var migrator = app.Services.GetRequiredService<ISchemaMigrator>();
            var store = app.Services.GetRequiredService<ISampleStore>();
            var version = await migrator.MigrateAsync(app.Lifetime.ApplicationStopping);
            Log.SchemaMigrated(app.Logger, store.Backend, version);
            await Console.Out.WriteLineAsync($"{store.Backend} schema at version {version}");
            return 0;
        }
        catch (Exception ex) when (ex is DbException or SocketException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"Migration failed: the database named by DATABASE_URL did not answer: {ex.Message}");
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid configuration: {string.Join(" ", ex.Failures)}");
            return 2;
        }
    }
}
