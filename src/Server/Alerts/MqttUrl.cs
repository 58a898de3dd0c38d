namespace P1Telemetry.Server.Alerts;

/// <summary>A parsed <c>MQTT_URL</c>: <c>mqtt://user:pass@host:1883</c> or <c>mqtts://</c> (TLS, verified).</summary>
public sealed record MqttUrl(string Host, int Port, bool Tls, string? User, string? Password)
{
    public static bool TryParse(string value, out MqttUrl? url, out string error)
    {
        url = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "mqtt" && uri.Scheme != "mqtts") || string.IsNullOrEmpty(uri.Host))
        {
            error = "must look like mqtt://user:password@host:1883 or mqtts://host:8883.";
            return false;
        }

        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0)
        {
            error = "must name only the broker (no path or query).";
            return false;
        }

        var tls = uri.Scheme == "mqtts";
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        url = new MqttUrl(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? (tls ? 8883 : 1883) : uri.Port, tls, user, password);
        error = string.Empty;
        return true;
    }
}
