using System.Buffers.Binary;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// A compact binary form of rollup rows for the cache: 13 little-endian 64-bit fields per slot, so that a
/// month of settled slots is decoded far faster than it is read from the database.
/// </summary>
internal static class SlotCodec
{
    private const int FieldsPerSlot = 13;
    private const int SlotBytes = FieldsPerSlot * sizeof(long);

    public static byte[] Encode(IReadOnlyList<QuarterSlot> slots)
    {
        var bytes = new byte[slots.Count * SlotBytes];
        var span = bytes.AsSpan();
        foreach (var slot in slots)
        {
            Write(ref span, slot.Start.UtcTicks);
            Write(ref span, slot.SampleCount);
            Write(ref span, slot.ImportPowerSumW);
            Write(ref span, slot.ImportPowerMaxW);
            Write(ref span, slot.PowerSumW);
            Write(ref span, slot.PowerMinW);
            Write(ref span, slot.PowerMaxW);
            Write(ref span, slot.FirstTs.UtcTicks);
            Write(ref span, BitConverter.DoubleToInt64Bits(slot.FirstImportKwh));
            Write(ref span, BitConverter.DoubleToInt64Bits(slot.FirstExportKwh));
            Write(ref span, slot.LastTs.UtcTicks);
            Write(ref span, BitConverter.DoubleToInt64Bits(slot.LastImportKwh));
            Write(ref span, BitConverter.DoubleToInt64Bits(slot.LastExportKwh));
        }

        return bytes;
    }

    public static List<QuarterSlot> Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var count = bytes.Length / SlotBytes;
        var slots = new List<QuarterSlot>(count + 8);
        ReadOnlySpan<byte> span = bytes;
        for (var i = 0; i < count; i++)
        {
            slots.Add(new QuarterSlot
            {
                Start = Instant(Read(ref span)),
                SampleCount = Read(ref span),
                ImportPowerSumW = Read(ref span),
                ImportPowerMaxW = Read(ref span),
                PowerSumW = Read(ref span),
                PowerMinW = Read(ref span),
                PowerMaxW = Read(ref span),
                FirstTs = Instant(Read(ref span)),
                FirstImportKwh = BitConverter.Int64BitsToDouble(Read(ref span)),
                FirstExportKwh = BitConverter.Int64BitsToDouble(Read(ref span)),
                LastTs = Instant(Read(ref span)),
                LastImportKwh = BitConverter.Int64BitsToDouble(Read(ref span)),
                LastExportKwh = BitConverter.Int64BitsToDouble(Read(ref span)),
            });
        }

        return slots;
    }

    private static void Write(ref Span<byte> span, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span, value);
        span = span[sizeof(long)..];
    }

    private static long Read(ref ReadOnlySpan<byte> span)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(span);
        span = span[sizeof(long)..];
        return value;
    }

    private static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
