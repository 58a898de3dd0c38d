using System.Buffers;
using System.ComponentModel;
using Microsoft.Extensions.Caching.Hybrid;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// A cached value that is already written bytes (a response's JSON). Marked immutable so that the memory level
/// hands out the one instance: a byte array would be copied on every hit, 400 KiB for a month's response.
/// </summary>
[ImmutableObject(true)]
public sealed class CachedBytes(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;
}

/// <summary>Stores <see cref="CachedBytes"/> in Redis as they are.</summary>
internal sealed class CachedBytesSerializer : IHybridCacheSerializer<CachedBytes>
{
    public CachedBytes Deserialize(ReadOnlySequence<byte> source) => new(source.ToArray());

    public void Serialize(CachedBytes value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(target);
        target.Write(value.Bytes);
    }
}
