using System.Text.Json.Serialization;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary><c>GET /api</c> on both API versions.</summary>
internal sealed record DeviceInfoResponse(
    [property: JsonPropertyName("product_name")] string ProductName,
    [property: JsonPropertyName("product_type")] string ProductType,
    [property: JsonPropertyName("serial")] string Serial,
    [property: JsonPropertyName("firmware_version")] string FirmwareVersion,
    [property: JsonPropertyName("api_version")] string ApiVersion);

/// <summary>v2 <c>GET /api/system</c>.</summary>
internal sealed record SystemResponse(
    [property: JsonPropertyName("wifi_ssid")] string WifiSsid,
    [property: JsonPropertyName("wifi_rssi_db")] int WifiRssiDb,
    [property: JsonPropertyName("cloud_enabled")] bool CloudEnabled,
    [property: JsonPropertyName("uptime_s")] long UptimeS,
    [property: JsonPropertyName("status_led_brightness_pct")] int StatusLedBrightnessPct,
    [property: JsonPropertyName("api_v1_enabled")] bool ApiV1Enabled);

/// <summary>v2 errors: <c>{"error":"scope:code"}</c>.</summary>
internal sealed record V2Error([property: JsonPropertyName("error")] string Error);

/// <summary>v1 errors: <c>{"error":{"id":202,"description":"API not enabled"}}</c>.</summary>
internal sealed record V1Error([property: JsonPropertyName("error")] V1ErrorDetail Error);

internal sealed record V1ErrorDetail(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("description")] string Description);

/// <summary>v2 <c>POST /api/user</c> body.</summary>
internal sealed record CreateUserRequest([property: JsonPropertyName("name")] string? Name);

internal sealed record CreateUserResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("name")] string Name);

/// <summary>A WebSocket message whose data is text (or absent).</summary>
internal sealed record WsTextMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] string? Data);

internal sealed record WsMeasurementMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] V2Measurement Data);

internal sealed record WsSystemMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] SystemResponse Data);

internal sealed record WsDeviceMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] DeviceInfoResponse Data);

internal sealed record WsAuthorizationRequested(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] WsApiVersion Data);

internal sealed record WsApiVersion([property: JsonPropertyName("api_version")] string ApiVersion);

internal sealed record WsErrorMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] WsErrorData Data);

internal sealed record WsErrorData([property: JsonPropertyName("message")] string Message);
