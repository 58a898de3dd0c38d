using System.Text.Json;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// Reads <c>{"samples":[...]}</c> with the source-generated <see cref="WireJsonContext"/> and checks every sample's
/// values (<see cref="SampleRules"/>). A body the serializer refuses is handed to <see cref="IngestBodyDiagnosis"/>,
/// which names each bad sample's fields; malformed JSON throws <see cref="JsonException"/>.
/// </summary>
internal sealed class IngestBatchReader(string caller, int maxSamples, DateTimeOffset now, TimeSpan maxClockSkew)
{
    // The document refuses a name repeated anywhere, also one this server does not know, which the serializer
    // alone would let through: which of two values counts is a guess, so the client must fix it.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    public IngestBatch Read(ReadOnlyMemory<byte> json)
    {
        IngestRequest? request;
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            request = document.Deserialize(WireJsonContext.Default.IngestRequest);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Malformed, misshapen or mistyped: the diagnosis says which.
            request = null;
        }

        var rules = new SampleRules(caller, now, maxClockSkew);
        if (request?.Samples is not { } samples)
        {
            return new IngestBodyDiagnosis(maxSamples, rules).Read(json.Span);
        }

        if (samples.Count > maxSamples)
        {
            return IngestBatch.TooMany(samples.Count, maxSamples);
        }

        var valid = new List<Sample>(samples.Count);
        for (var index = 0; index < samples.Count; index++)
        {
            if (rules.Check(samples[index], index) is { } sample)
            {
                valid.Add(sample);
            }
        }

        return rules.Verdict(samples.Count, valid);
    }
}
