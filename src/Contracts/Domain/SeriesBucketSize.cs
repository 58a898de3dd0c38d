namespace P1Telemetry.Contracts.Domain;

/// <summary>The width of one series bucket, in local calendar terms.</summary>
public enum SeriesBucketSize
{
    Hour,
    Day,
    Week,
    Month,
}
