using System.Text.Json.Serialization;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.Export;
using P1Telemetry.Server.Realtime;
using P1Telemetry.Server.Series;

namespace P1Telemetry.Server.ReadPath;

/// <summary>Source-generated serialization of the read endpoints' responses and cached digests.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CapacityMonthResponse))]
[JsonSerializable(typeof(CapacityYearResponse))]
[JsonSerializable(typeof(MonthDigest))]
[JsonSerializable(typeof(MonthPart))]
[JsonSerializable(typeof(IReadOnlyList<QuarterPeak>))]
[JsonSerializable(typeof(SeriesResponse))]
[JsonSerializable(typeof(QuarterHourExportRow))]
[JsonSerializable(typeof(LiveQuarterResponse))]
internal sealed partial class ReadJsonContext : JsonSerializerContext;
