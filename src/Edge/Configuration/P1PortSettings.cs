using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Ports;

namespace P1Telemetry.Edge.Configuration;

/// <summary>The settings of the P1 port sources: a serial cable and a raw TCP stream.</summary>
public static class P1PortSettings
{
    public static void ValidateSerial(EdgeOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (options.SerialBaud is < 300 or > 4_000_000)
        {
            errors.Add("P1_SERIAL_BAUD must be a baud rate such as 115200 (DSMR 4 and 5) or 9600 (DSMR 2.2).");
        }

        if (!TryParseFormat(options.SerialFormat, out _))
        {
            errors.Add("P1_SERIAL_FORMAT must be 8N1 (DSMR 4 and 5) or 7E1 (DSMR 2.2 and 3).");
        }
    }

    public static void ValidateTcp(EdgeOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (!TryParseEndpoint(options.TcpEndpoint, out _, out _))
        {
            errors.Add("P1_TCP must be host:port of a raw telegram stream (e.g. 192.168.1.60:2001 for ser2net).");
        }
    }

    /// <summary><c>8N1</c> or <c>7E1</c>: data bits, parity and stop bits.</summary>
    public static bool TryParseFormat(string? text, out (int DataBits, Parity Parity, StopBits StopBits) format)
    {
        format = default;
        switch (text?.Trim().ToUpperInvariant())
        {
            case "8N1":
                format = (8, Parity.None, StopBits.One);
                return true;
            case "7E1":
                format = (7, Parity.Even, StopBits.One);
                return true;
            default:
                return false;
        }
    }

    public static bool TryParseEndpoint(string? text, [NotNullWhen(true)] out string? host, out int port)
    {
        host = null;
        port = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = text[..colon].Trim('[', ']');
        return host.Length > 0 && Uri.CheckHostName(host) != UriHostNameType.Unknown;
    }
}
