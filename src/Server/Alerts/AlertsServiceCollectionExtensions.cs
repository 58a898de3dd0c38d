using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>Alert evaluation, the outbox and its delivery worker, and the ntfy, webhook and MQTT channels.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddHttpClient(AlertHttp.ClientName, client =>
        {
            client.Timeout = AlertHttp.Timeout;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("p1-telemetry-alerts");
        });
        services.AddSingleton<AlertSignals>();
        services.AddSingleton<AlertSettingsResolver>();
        services.AddSingleton<AlertOutbox>();
        services.AddSingleton<AlertMetrics>();
        services.AddSingleton<AlertHealth>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<MqttBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttBridge>());
        services.AddSingleton<IAlertSender, NtfySender>();
        services.AddSingleton<IAlertSender, WebhookSender>();
        services.AddSingleton<IAlertSender, MqttSender>();
        services.AddHostedService<AlertEvaluationService>();
        services.AddSingleton<AlertSweepService>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertSweepService>());
        services.AddSingleton<AlertDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertDeliveryService>());
        return services;
    }
}
