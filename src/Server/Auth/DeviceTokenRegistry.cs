using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace P1Telemetry.Server.Auth;

/// <summary>
/// The configured device tokens, kept only as SHA-256 hashes. A presented token is hashed, the hash finds its
/// candidate by its first 16 bytes, and the whole hash is then compared in constant time. What a lookup's
/// timing could reveal is only something about the hash of the attacker's own guess, never about a stored
/// token, and the cost stays the same with twenty thousand homes as with one.
/// </summary>
public sealed class DeviceTokenRegistry
{
    private const string HashPrefix = "sha256:";
    private readonly byte[][] _hashes;
    private readonly string[] _devices;
    private readonly Dictionary<UInt128, int> _byHashPrefix;

    private DeviceTokenRegistry(byte[][] hashes, string[] devices)
    {
        _hashes = hashes;
        _devices = devices;
        _byHashPrefix = new Dictionary<UInt128, int>(hashes.Length);
        for (var i = 0; i < hashes.Length; i++)
        {
            // Two tokens whose hashes share 128 bits do not happen; the first one configured would win.
            _byHashPrefix.TryAdd(Prefix(hashes[i]), i);
        }
    }

    private static UInt128 Prefix(ReadOnlySpan<byte> hash) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);

    public int Count => _hashes.Length;

    /// <summary>The devices the configured tokens belong to.</summary>
    public IEnumerable<string> DeviceIds => _devices.Distinct(StringComparer.Ordinal);

    public bool HasDevice(string deviceId) => Array.IndexOf(_devices, deviceId) >= 0;

    /// <summary>
    /// Parses <c>DEVICE_TOKENS</c>: comma-separated <c>token:device</c> or <c>sha256:&lt;64 hex&gt;:device</c>
    /// entries. Errors name the entry by position only, never by its token.
    /// </summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out DeviceTokenRegistry? registry, [NotNullWhen(false)] out string? error)
    {
        registry = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            // Devices may all live in the database (p1-server devices add).
            registry = new DeviceTokenRegistry([], []);
            error = null;
            return true;
        }

        var hashes = new List<byte[]>();
        var devices = new List<string>();
        var entries = value.Split(',', StringSplitOptions.TrimEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var position = i + 1;
            if (entry.Length == 0)
            {
                error = $"DEVICE_TOKENS entry {position} is empty.";
                return false;
            }

            var separator = entry.LastIndexOf(':');
            if (separator <= 0 || separator == entry.Length - 1)
            {
                error = $"DEVICE_TOKENS entry {position} must be 'token:device' or 'sha256:<hex>:device'.";
                return false;
            }

            var device = entry[(separator + 1)..];
            var secret = entry[..separator];
            if (!DeviceIdFormat.IsValid(device))
            {
                error = $"DEVICE_TOKENS entry {position} names an invalid device id (expected {DeviceIdFormat.Description}).";
                return false;
            }

            byte[] hash;
            if (secret.StartsWith(HashPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var hex = secret[HashPrefix.Length..];
                if (hex.Length != 64 || !IsHex(hex))
                {
                    error = $"DEVICE_TOKENS entry {position} must carry 64 hex digits after 'sha256:'.";
                    return false;
                }

                hash = Convert.FromHexString(hex);
            }
            else
            {
                hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            }

            if (hashes.Exists(h => h.AsSpan().SequenceEqual(hash)))
            {
                error = $"DEVICE_TOKENS entry {position} repeats a token that is already configured.";
                return false;
            }

            hashes.Add(hash);
            devices.Add(device);
        }

        registry = new DeviceTokenRegistry([.. hashes], [.. devices]);
        error = null;
        return true;
    }

    /// <summary>The device the token belongs to, or null when it matches no configured token.</summary>
    public string? FindDevice(ReadOnlySpan<char> presentedToken)
    {
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presentedToken.Length);
        var buffer = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(presentedToken, buffer);
        SHA256.HashData(buffer[..length], presentedHash);
        CryptographicOperations.ZeroMemory(buffer);

        return _byHashPrefix.TryGetValue(Prefix(presentedHash), out var candidate)
            && CryptographicOperations.FixedTimeEquals(presentedHash, _hashes[candidate])
            ? _devices[candidate]
            : null;
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
