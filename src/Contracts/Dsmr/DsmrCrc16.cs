namespace P1Telemetry.Contracts.Dsmr;

/// <summary>
/// The CRC of DSMR 4 and later: CRC-16/ARC (polynomial 0x8005, here in its reflected form 0xA001, initial value 0,
/// no final XOR) over every byte from the leading <c>/</c> through the <c>!</c>.
/// </summary>
public static class DsmrCrc16
{
    private static readonly ushort[] _table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc = (ushort)((crc >> 8) ^ _table[(crc ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var value = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (ushort)((value >> 1) ^ 0xA001) : (ushort)(value >> 1);
            }

            table[i] = value;
        }

        return table;
    }
}
