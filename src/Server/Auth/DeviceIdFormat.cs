namespace P1Telemetry.Server.Auth;

/// <summary>A device id is 1–64 characters of <c>[A-Za-z0-9._-]</c>.</summary>
public static class DeviceIdFormat
{
    public const int MaxLength = 64;

    public const string Description = "1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'";

    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
