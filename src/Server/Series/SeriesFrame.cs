namespace P1Telemetry.Server.Series;

/// <summary>Which period a series covers.</summary>
public enum SeriesFrame
{
    Day,
    Month,
    Year,
    All,
}
