using System.ComponentModel.DataAnnotations;

namespace P1Telemetry.Server.Ingest;

public sealed class IngestOptions
{
    [ConfigurationKeyName("MAX_BATCH_SAMPLES")]
    [Range(1, 1_000_000, ErrorMessage = "MAX_BATCH_SAMPLES must be between 1 and 1000000.")]
    public int MaxBatchSamples { get; set; } = 10_000;

    /// <summary>Limit for the request body, both as sent and after gzip decompression.</summary>
    [ConfigurationKeyName("MAX_BODY_BYTES")]
    [Range(1024, 1L << 30, ErrorMessage = "MAX_BODY_BYTES must be between 1024 and 1073741824.")]
    public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>How far ahead of the server clock a sample's ts may be (clock skew between meter, edge and server).</summary>
    [ConfigurationKeyName("MAX_CLOCK_SKEW_S")]
    [Range(0, 86400, ErrorMessage = "MAX_CLOCK_SKEW_S must be between 0 and 86400.")]
    public int MaxClockSkewSeconds { get; set; } = 600;
}
