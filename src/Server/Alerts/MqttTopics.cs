namespace P1Telemetry.Server.Alerts;

/// <summary>The topics the server publishes on.</summary>
public static class MqttTopics
{
    public const string Root = "p1telemetry";

    /// <summary>The server's availability (Home Assistant's availability topic): <c>online</c>, or <c>offline</c> as its will.</summary>
    public const string Availability = Root + "/status";

    public static string State(string deviceId) => $"{Root}/{deviceId}/state";

    public static string Event(string deviceId) => $"{Root}/{deviceId}/event";

    /// <summary>A Home Assistant discovery topic: <c>&lt;prefix&gt;/&lt;component&gt;/p1telemetry_&lt;device&gt;/&lt;object&gt;/config</c>.</summary>
    public static string Discovery(string prefix, string component, string deviceId, string objectId) =>
        $"{prefix}/{component}/{NodeId(deviceId)}/{objectId}/config";

    /// <summary>Home Assistant's node ids are [a-zA-Z0-9_-]; a device id may also hold dots.</summary>
    public static string NodeId(string deviceId) => "p1telemetry_" + new string(deviceId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());

    public static bool IsValidPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= 200 } && !prefix.Contains('+', StringComparison.Ordinal) && !prefix.Contains('#', StringComparison.Ordinal)
        && !prefix.StartsWith('/') && !prefix.EndsWith('/') && !prefix.Any(char.IsControl);
}
