using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Ingest;

/// <summary>The outcome of reading a batch: the valid samples, or the status and problem to answer.</summary>
internal sealed record IngestBatch(List<Sample>? Samples, int Status, string? Detail, IReadOnlyList<SampleError> Errors, int ErrorCount, bool StoppedEarly)
{
    /// <summary>Only timestamps ahead of the server clock are wrong: the samples are good, a clock is not.</summary>
    public bool IsClockSkew { get; private init; }

    public static IngestBatch Valid(List<Sample> samples) => new(samples, StatusCodes.Status200OK, null, [], 0, false);

    public static IngestBatch Structural(string detail, bool stoppedEarly = false) =>
        new(null, StatusCodes.Status422UnprocessableEntity, detail, [], 0, stoppedEarly);

    public static IngestBatch Invalid(string detail, SampleErrorList errors) =>
        new(null, StatusCodes.Status422UnprocessableEntity, detail, errors.Listed, errors.Count, false);

    public static IngestBatch ClockSkew(string detail, SampleErrorList errors) =>
        new(null, StatusCodes.Status422UnprocessableEntity, detail, errors.Listed, errors.Count, false) { IsClockSkew = true };

    public static IngestBatch Forbidden(string detail) => new(null, StatusCodes.Status403Forbidden, detail, [], 0, false);

    public static IngestBatch TooMany(int count, int maxSamples) => Structural(
        $"The batch holds {count} samples; at most {maxSamples} (MAX_BATCH_SAMPLES) are accepted per request.", stoppedEarly: true);
}
