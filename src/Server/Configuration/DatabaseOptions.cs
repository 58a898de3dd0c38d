namespace P1Telemetry.Server.Configuration;

/// <summary>Where samples are stored: PostgreSQL when <c>DATABASE_URL</c> is set, else SQLite in <c>DATA_DIR</c>.</summary>
public sealed class DatabaseOptions
{
    [ConfigurationKeyName("DATABASE_URL")]
    public string? DatabaseUrl { get; set; }

    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; set; } = "./data";

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(DatabaseUrl);

    public string SqlitePath => Path.Combine(DataDir, "p1.db");
}
