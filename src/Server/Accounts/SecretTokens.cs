using System.Security.Cryptography;
using System.Text;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// Random bearer tokens (256 bits) and their SHA-256 hashes, the only form in which they are stored. A fast
/// hash is enough for secrets of that entropy; the prefix tells which table a presented token belongs to.
/// </summary>
public static class SecretTokens
{
    public const string DevicePrefix = "p1d_";
    public const string UserPrefix = "p1u_";

    public static string NewDeviceToken() => DevicePrefix + RandomPart();

    public static string NewUserToken() => UserPrefix + RandomPart();

    public static byte[] Hash(ReadOnlySpan<char> token)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(token.Length);
        var buffer = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(token, buffer);
        var hash = SHA256.HashData(buffer[..length]);
        CryptographicOperations.ZeroMemory(buffer);
        return hash;
    }

    private static string RandomPart()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
