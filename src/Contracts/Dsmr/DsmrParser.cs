using System.Globalization;
using System.Text;

namespace P1Telemetry.Contracts.Dsmr;

/// <summary>
/// Parses one P1 telegram (DSMR 2.2, 3, 4, 5 and Belgian e-MUCS): <c>/header</c>, OBIS lines, <c>!</c> and, from
/// DSMR 4 on, the CRC16. Pure: no I/O, no clock. Unknown OBIS codes are skipped; a known one that cannot be
/// read makes the telegram malformed rather than half-read.
/// </summary>
public static class DsmrParser
{
    /// <summary>Longer than any real telegram (about 1 KB with the Belgian history); bounds a runaway stream.</summary>
    public const int MaxTelegramBytes = 16 * 1024;

    public static DsmrParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(Encoding.Latin1.GetBytes(text));
    }

    /// <param name="frame">From <c>/</c> through the line end after <c>!</c> (trailing line end optional).</param>
    public static DsmrParseResult Parse(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > MaxTelegramBytes)
        {
            return DsmrParseResult.Fail(DsmrParseStatus.Malformed, $"longer than {MaxTelegramBytes} bytes");
        }

        var start = frame.IndexOf((byte)'/');
        if (start < 0)
        {
            return DsmrParseResult.Fail(DsmrParseStatus.Malformed, "no '/' header");
        }

        frame = frame[start..];
        var bang = frame.IndexOf((byte)'!');
        if (bang < 0)
        {
            return DsmrParseResult.Fail(DsmrParseStatus.Malformed, "no '!' end");
        }

        var crcText = Encoding.Latin1.GetString(frame[(bang + 1)..]).Trim();
        var hasCrc = crcText.Length > 0;
        if (hasCrc)
        {
            if (crcText.Length != 4 || !ushort.TryParse(crcText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var expected))
            {
                return DsmrParseResult.Fail(DsmrParseStatus.BadCrc, $"'{Shorten(crcText)}' after '!' is not a 4-digit hexadecimal CRC");
            }

            var actual = DsmrCrc16.Compute(frame[..(bang + 1)]);
            if (actual != expected)
            {
                return DsmrParseResult.Fail(DsmrParseStatus.BadCrc, $"CRC {expected:X4} in the telegram, {actual:X4} computed");
            }
        }

        var body = Encoding.Latin1.GetString(frame[1..bang]);
        var result = ParseBody(body);
        if (result.Telegram is { } telegram && !hasCrc && RequiresCrc(telegram))
        {
            return DsmrParseResult.Fail(DsmrParseStatus.MissingCrc, "a DSMR 4+ telegram without its CRC");
        }

        return result;
    }

    private static bool RequiresCrc(DsmrTelegram telegram) =>
        telegram.BelgianVersion is not null
        || (telegram.DsmrVersion is { Length: >= 2 } version && version[0] >= '4');

    private static DsmrParseResult ParseBody(string body)
    {
        var lines = Lines(body);
        if (lines.Count == 0 || lines[0].Length == 0 || lines[0].Contains('(', StringComparison.Ordinal))
        {
            return DsmrParseResult.Fail(DsmrParseStatus.Malformed, "no identification line after '/'");
        }

        var builder = new Builder(lines[0]);
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            if (!TrySplit(line, out var code, out var values))
            {
                return DsmrParseResult.Fail(DsmrParseStatus.Malformed, $"unreadable line '{Shorten(line)}'");
            }

            if (!builder.Add(code, values, out var error))
            {
                return DsmrParseResult.Fail(DsmrParseStatus.Malformed, $"{code}: {error}");
            }
        }

        return new DsmrParseResult(DsmrParseStatus.Ok, builder.Build(), null);
    }

    /// <summary>Lines of the body; a line starting with '(' continues the one before (the DSMR 2.2/3 gas value).</summary>
    private static List<string> Lines(string body)
    {
        var lines = new List<string>();
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('(') && lines.Count > 1)
            {
                lines[^1] += line;
            }
            else
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static bool TrySplit(string line, out string code, out List<string> values)
    {
        values = [];
        var open = line.IndexOf('(', StringComparison.Ordinal);
        code = open > 0 ? line[..open].Trim() : "";
        if (open <= 0)
        {
            return false;
        }

        var position = open;
        while (position < line.Length)
        {
            if (line[position] != '(')
            {
                return false;
            }

            var close = line.IndexOf(')', position);
            if (close < 0)
            {
                return false;
            }

            values.Add(line[(position + 1)..close]);
            position = close + 1;
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    /// <summary>Collects the registers as they come; the gas channel is known only once its device type line is read.</summary>
    private sealed class Builder(string header)
    {
        private readonly Dictionary<int, int> _deviceTypes = [];
        private readonly Dictionary<int, (DsmrTimestamp? At, decimal M3)> _gas = [];
        private DsmrTelegram _telegram = new() { Header = header.Trim() };

        public bool Add(string code, List<string> values, out string? error)
        {
            error = null;
            var t = _telegram;
            switch (code)
            {
                case "1-3:0.2.8":
                    _telegram = t with { DsmrVersion = values[0] };
                    return true;
                case "0-0:96.1.4":
                    _telegram = t with { BelgianVersion = values[0] };
                    return true;
                case "0-0:96.1.1":
                    _telegram = t with { EquipmentId = values[0] };
                    return true;
                case "0-0:1.0.0":
                    return Set(values, 0, out error, (ts) => _telegram = t with { Timestamp = ts });
                case "0-0:96.14.0":
                    if (!int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tariff))
                    {
                        error = $"tariff '{values[0]}' is not a number";
                        return false;
                    }

                    _telegram = t with { Tariff = tariff };
                    return true;
                case "1-0:1.8.1":
                    return Quantity(values[0], "kWh", out error, v => _telegram = t with { ImportT1Kwh = v });
                case "1-0:1.8.2":
                    return Quantity(values[0], "kWh", out error, v => _telegram = t with { ImportT2Kwh = v });
                case "1-0:2.8.1":
                    return Quantity(values[0], "kWh", out error, v => _telegram = t with { ExportT1Kwh = v });
                case "1-0:2.8.2":
                    return Quantity(values[0], "kWh", out error, v => _telegram = t with { ExportT2Kwh = v });
                case "1-0:1.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerImportKw = v });
                case "1-0:2.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerExportKw = v });
                case "1-0:21.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerL1ImportKw = v });
                case "1-0:41.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerL2ImportKw = v });
                case "1-0:61.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerL3ImportKw = v });
                case "1-0:22.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerL1ExportKw = v });
                case "1-0:42.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerL2ExportKw = v });
                case "1-0:62.7.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { PowerL3ExportKw = v });
                case "1-0:1.4.0":
                    return Quantity(values[0], "kW", out error, v => _telegram = t with { QuarterAverageKw = v });
                case "1-0:1.6.0":
                    return MonthPeak(values, out error);
                case "0-0:98.1.0":
                    return PeakHistory(values, out error);
                default:
                    return AddMBus(code, values, out error);
            }
        }

        public DsmrTelegram Build()
        {
            // The gas meter is the M-Bus device of type 3; without device types, the first channel with a reading.
            foreach (var (channel, reading) in _gas.OrderBy(g => g.Key))
            {
                if (!_deviceTypes.TryGetValue(channel, out var type) || type == 3)
                {
                    return _telegram with { GasM3 = reading.M3, GasAt = reading.At, GasChannel = channel };
                }
            }

            return _telegram;
        }

        private bool MonthPeak(List<string> values, out string? error)
        {
            if (values.Count != 2 || !DsmrTimestamp.TryParse(values[0], out var at))
            {
                error = "expected (timestamp)(kW)";
                return false;
            }

            var t = _telegram;
            return Quantity(values[1], "kW", out error, v => _telegram = t with { MonthPeakKw = v, MonthPeakAt = at });
        }

        private bool PeakHistory(List<string> values, out string? error)
        {
            error = null;
            if (values.Count == 0 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                error = "expected the number of entries first";
                return false;
            }

            // After the count come the OBIS codes the entries hold (one or two), then (month)(time)(value) triples.
            var position = 1;
            while (position < values.Count && values[position].Contains(':', StringComparison.Ordinal))
            {
                position++;
            }

            var entries = new List<DsmrMonthPeak>(count);
            for (var i = 0; i < count; i++, position += 3)
            {
                if (position + 2 >= values.Count || !DsmrTimestamp.TryParse(values[position], out var monthStart))
                {
                    error = $"entry {i + 1} of {count} is missing or has no month";
                    return false;
                }

                DsmrTimestamp? peakAt = DsmrTimestamp.TryParse(values[position + 1], out var at) ? at : null;
                if (!TryQuantity(values[position + 2], "kW", out var kw))
                {
                    error = $"entry {i + 1} value '{values[position + 2]}' is not in kW";
                    return false;
                }

                entries.Add(new DsmrMonthPeak(monthStart, peakAt, peakAt is null ? 0 : kw));
            }

            _telegram = _telegram with { PeakHistory = entries };
            return true;
        }

        private bool AddMBus(string code, List<string> values, out string? error)
        {
            error = null;
            // 0-n:24.1.0 device type, 0-n:24.2.1 / 24.2.3 (time)(m3), DSMR 2.2/3: 0-n:24.3.0(time)(..)(..)(..)(code)(unit)(value).
            if (code.Length < 10 || !code.StartsWith("0-", StringComparison.Ordinal) || code[3] != ':' || code[2] is < '1' or > '4')
            {
                return true;
            }

            var channel = code[2] - '0';
            switch (code[4..])
            {
                case "24.1.0":
                    if (int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var type))
                    {
                        _deviceTypes[channel] = type;
                    }

                    return true;
                case "24.2.1" or "24.2.3":
                    if (values.Count != 2 || !TryQuantity(values[1], "m3", out var m3))
                    {
                        error = "expected (timestamp)(m3)";
                        return false;
                    }

                    _gas.TryAdd(channel, (DsmrTimestamp.TryParse(values[0], out var at) ? at : null, m3));
                    return true;
                case "24.3.0":
                    if (values.Count < 7 || !TryQuantity(values[^1], "", out var legacy))
                    {
                        error = "expected (timestamp)(..)(..)(..)(code)(unit)(value)";
                        return false;
                    }

                    _gas.TryAdd(channel, (DsmrTimestamp.TryParse(values[0], out var legacyAt) ? legacyAt : null, legacy));
                    return true;
                default:
                    return true;
            }
        }

        private static bool Set(List<string> values, int index, out string? error, Action<DsmrTimestamp> apply)
        {
            error = null;
            if (!DsmrTimestamp.TryParse(values[index], out var ts))
            {
                error = $"'{values[index]}' is not a timestamp YYMMDDhhmmss[S|W]";
                return false;
            }

            apply(ts);
            return true;
        }

        private static bool Quantity(string text, string unit, out string? error, Action<decimal> apply)
        {
            if (!TryQuantity(text, unit, out var value))
            {
                error = $"'{text}' is not a number in {unit}";
                return false;
            }

            error = null;
            apply(value);
            return true;
        }

        /// <summary><c>000301.548*kWh</c>; the unit must match when present (case-insensitive: meters write kWh, KWH, m3).</summary>
        private static bool TryQuantity(string text, string unit, out decimal value)
        {
            var star = text.IndexOf('*', StringComparison.Ordinal);
            var number = star < 0 ? text : text[..star];
            if (star >= 0 && unit.Length > 0 && !text[(star + 1)..].Equals(unit, StringComparison.OrdinalIgnoreCase))
            {
                value = 0;
                return false;
            }

            return decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
        }
    }
}
