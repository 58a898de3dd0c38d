using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Alerts;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Accounts;

public static class DeviceSettingsEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;

    /// <summary><c>GET</c> and <c>PUT /v1/devices/{id}/settings</c>, for owners and administrators.</summary>
    public static RouteGroupBuilder MapDeviceSettings(this RouteGroupBuilder group)
    {
        group.MapGet("/devices/{id}/settings", GetAsync)
            .WithName("GetDeviceSettings")
            .WithSummary("The device's effective settings (its own, else the server's defaults)")
            .Produces<DeviceSettingsResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPut("/devices/{id}/settings", PutAsync)
            .WithName("PutDeviceSettings")
            .WithSummary("Change the device's settings; fields left out keep their value, null restores the default")
            .WithDescription("Fields: " + string.Join(", ", DeviceSettingsFields.Names) + ".")
            .Accepts<DeviceSettingsResponse>("application/json")
            .Produces<DeviceSettingsResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        return group;
    }

    internal static async Task<Results<JsonHttpResult<DeviceSettingsResponse>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, DeviceSettingsCatalog catalog, ReadPathSettings settings, AlertSettingsResolver alerts)
    {
        if (await DeviceAccess.AuthorizeAsync(context, id, DeviceRight.Manage) is { } problem)
        {
            return problem;
        }

        return Json(id, settings.For(id), catalog.Find(id), alerts.For(id));
    }

    internal static async Task<Results<JsonHttpResult<DeviceSettingsResponse>, ProblemHttpResult>> PutAsync(
        string id, HttpContext context, DeviceSettingsCatalog catalog, DeviceStore devices, ReadPathSettings settings,
        CacheInvalidation invalidation, AlertSettingsResolver alerts, CancellationToken cancellationToken)
    {
        if (await DeviceAccess.AuthorizeAsync(context, id, DeviceRight.Manage) is { } problem)
        {
            return problem;
        }

        if (!context.Request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: "Send the settings as application/json.");
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Invalid("body", $"The body has at most {MaxBodyBytes} bytes.");
        }

        JsonDocument document;
        try
        {
            using var limited = new MemoryStream();
            await context.Request.Body.CopyToAsync(limited, cancellationToken);
            if (limited.Length > MaxBodyBytes)
            {
                return Invalid("body", $"The body has at most {MaxBodyBytes} bytes.");
            }

            document = JsonDocument.Parse(limited.ToArray());
        }
        catch (JsonException)
        {
            return Invalid("body", "The body is not valid JSON.");
        }

        using (document)
        {
            var current = catalog.Find(id) ?? DeviceSettings.Unconfigured(id);
            var updated = DeviceSettingsFields.Apply(current, document.RootElement, catalog, out var field, out var error);
            if (updated is null)
            {
                return Invalid(field!, error!);
            }

            await devices.SaveSettingsAsync(updated, cancellationToken);
            catalog.Upsert(updated);
            // Cached reads of every replica follow the device's time zone and tariff, whatever happens to the request.
            await invalidation.DeviceChangedAsync(id, CancellationToken.None);
            return Json(id, settings.For(id), catalog.Find(id), alerts.For(id));
        }
    }

    private static JsonHttpResult<DeviceSettingsResponse> Json(string id, DeviceReadSettings device, DeviceSettings? own, DeviceAlertSettings alerts) =>
        TypedResults.Json(Describe(id, device, own, alerts), AccountsJsonContext.Default.DeviceSettingsResponse);

    private static DeviceSettingsResponse Describe(string id, DeviceReadSettings device, DeviceSettings? own, DeviceAlertSettings alerts) => new()
    {
        AlertsEnabled = alerts.Enabled,
        AlertRiskPct = alerts.RiskPct,
        AlertNoDataMin = alerts.NoDataMin,
        NtfyUrl = own?.NtfyUrl,
        NtfyTokenSet = own?.NtfyToken is not null,
        WebhookUrl = own?.WebhookUrl,
        WebhookSecretSet = own?.WebhookSecret is not null,
        AlertChannels = alerts.Channels(),
        DeviceId = id,
        Name = device.Name,
        Timezone = device.TimeZoneId,
        GridArea = device.GridArea,
        TariffEurPerKwYear = device.ExplicitTariffEurPerKwYear,
        VatPct = device.VatPct,
        GoalPeakW = device.GoalPeakW,
    };

    private static ProblemHttpResult Invalid(string field, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {field}", detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
