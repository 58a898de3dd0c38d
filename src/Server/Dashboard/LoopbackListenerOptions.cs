using System.Globalization;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Dashboard;

/// <summary>The optional plain-HTTP listener on 127.0.0.1 for a browser on the server's own machine.</summary>
public sealed class LoopbackListenerOptions
{
    public const string Variable = "DASHBOARD_LOOPBACK_HTTP_PORT";

    [ConfigurationKeyName("DASHBOARD_LOOPBACK_HTTP_PORT")]
    public string? LoopbackHttpPort { get; set; }

    /// <summary>The port, or null when the listener is off (or the setting is invalid, which stops the start).</summary>
    public int? Port => TryParse(LoopbackHttpPort, out var port) ? port : null;

    public static bool TryParse(string? value, out int port) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}

/// <summary>Stops the process at start when <c>DASHBOARD_LOOPBACK_HTTP_PORT</c> is not a port number.</summary>
public sealed class LoopbackListenerOptionsValidator : IValidateOptions<LoopbackListenerOptions>
{
    public ValidateOptionsResult Validate(string? name, LoopbackListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.LoopbackHttpPort) || options.Port is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{LoopbackListenerOptions.Variable} '{options.LoopbackHttpPort}' is not a TCP port (1-65535); leave it empty for no loopback listener.");
    }
}
