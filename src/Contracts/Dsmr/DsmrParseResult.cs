namespace P1Telemetry.Contracts.Dsmr;

public enum DsmrParseStatus
{
    Ok,

    /// <summary>The CRC after <c>!</c> does not match the text: a transmission error, never stored.</summary>
    BadCrc,

    /// <summary>A DSMR 4+ telegram without its CRC: it cannot be checked, so it is not trusted.</summary>
    MissingCrc,

    /// <summary>Not a telegram: no header, no <c>!</c>, or an unreadable register line.</summary>
    Malformed,
}

public sealed record DsmrParseResult(DsmrParseStatus Status, DsmrTelegram? Telegram, string? Error)
{
    public bool Succeeded => Status == DsmrParseStatus.Ok;

    public static DsmrParseResult Fail(DsmrParseStatus status, string error) => new(status, null, error);
}
