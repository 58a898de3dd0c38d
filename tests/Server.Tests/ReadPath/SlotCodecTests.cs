using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Capacity;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public sealed class SlotCodecTests
{
    [Fact]
    public void Slots_survive_the_cache_encoding_bit_for_bit()
    {
        QuarterSlot[] slots =
        [
            new()
            {
                Start = Utc("2026-03-01T10:00:00Z"), SampleCount = 900, ImportPowerSumW = 1_234_567, ImportPowerMaxW = 7200,
                PowerSumW = -5, PowerMinW = -3000, PowerMaxW = 7200, FirstTs = Utc("2026-03-01T10:00:00.123456Z"),
                FirstImportKwh = 12345.678, FirstExportKwh = 0.1 + 0.2, LastTs = Utc("2026-03-01T10:14:59Z"),
                LastImportKwh = double.Epsilon, LastExportKwh = 1e308,
            },
            new()
            {
                Start = Utc("2026-03-01T10:15:00Z"), SampleCount = 1, ImportPowerSumW = 0, ImportPowerMaxW = 0,
                PowerSumW = 0, PowerMinW = 0, PowerMaxW = 0, FirstTs = Utc("2026-03-01T10:15:00Z"),
                FirstImportKwh = 1, FirstExportKwh = 2, LastTs = Utc("2026-03-01T10:15:00Z"), LastImportKwh = 1, LastExportKwh = 2,
            },
        ];

        Assert.Equal(slots, SlotCodec.Decode(SlotCodec.Encode(slots)));
        Assert.Empty(SlotCodec.Decode(SlotCodec.Encode([])));
    }
}
