using System.IO.Pipelines;
using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Export;

/// <summary>
/// Streams an export into a pipe: rows are written as they are read and flushed in chunks of
/// <see cref="FlushBytes"/>, so memory stays flat whatever the range. Raw JSON is <c>{"samples":[...]}</c>,
/// the same shape <c>POST /v1/ingest</c> accepts.
/// </summary>
public sealed class ExportWriter(ISampleStore store)
{
    public const string RawCsvHeader =
        "device_id,ts,power_w,import_power_w,energy_import_kwh,energy_export_kwh,average_power_15m_w,monthly_power_peak_w," +
        "monthly_power_peak_ts,power_l1_w,power_l2_w,power_l3_w,gas_m3,gas_ts";

    private const int FlushBytes = 64 * 1024;

    // The JSON writer hands full buffers to the pipe by itself, so pending bytes alone never show what the
    // pipe holds: every so many rows, commit them and flush the pipe once it holds a chunk.
    private const int RowsPerCheck = 256;

    // Quarter-hour exports are read a month at a time so that a long range never sits in memory.
    private static readonly TimeSpan Chunk = TimeSpan.FromDays(31);

    /// <summary>Writes the export and returns the number of rows.</summary>
    public async Task<long> WriteAsync(string deviceId, ExportQuery query, PipeWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(output);
        var rows = query switch
        {
            { Resolution: ExportResolution.Raw, Format: ExportFormat.Csv } => await RawCsvAsync(deviceId, query, output, cancellationToken),
            { Resolution: ExportResolution.Raw } => await RawJsonAsync(deviceId, query, output, cancellationToken),
            { Format: ExportFormat.Csv } => await QuarterCsvAsync(deviceId, query, output, cancellationToken),
            _ => await QuarterJsonAsync(deviceId, query, output, cancellationToken),
        };
        await output.FlushAsync(cancellationToken);
        return rows;
    }

    private async Task<long> RawCsvAsync(string deviceId, ExportQuery query, PipeWriter output, CancellationToken cancellationToken)
    {
        var csv = new Utf8CsvWriter(output);
        csv.Header(RawCsvHeader);
        long rows = 0;
        await foreach (var sample in store.StreamSamplesAsync(deviceId, query.From, query.To, cancellationToken))
        {
            csv.Field(sample.DeviceId);
            csv.Field(sample.Ts);
            csv.Field(sample.PowerW);
            csv.Field(sample.ImportPowerW);
            csv.Field(sample.EnergyImportKwh);
            csv.Field(sample.EnergyExportKwh);
            csv.Field(sample.AveragePower15mW);
            csv.Field(sample.MonthlyPowerPeakW);
            csv.Field(sample.MonthlyPowerPeakTs);
            csv.Field(sample.PowerL1W);
            csv.Field(sample.PowerL2W);
            csv.Field(sample.PowerL3W);
            csv.Field(sample.GasM3);
            csv.Field(sample.GasTs);
            csv.EndRow();
            rows++;
            if (output.UnflushedBytes >= FlushBytes)
            {
                await output.FlushAsync(cancellationToken);
            }
        }

        return rows;
    }

    private async Task<long> RawJsonAsync(string deviceId, ExportQuery query, PipeWriter output, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartArray("samples");
        long rows = 0;
        await foreach (var sample in store.StreamSamplesAsync(deviceId, query.From, query.To, cancellationToken))
        {
            JsonSerializer.Serialize(json, sample, WireJsonContext.Default.Sample);
            rows++;
            if (rows % RowsPerCheck == 0)
            {
                await FlushJsonAsync(json, output, cancellationToken);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return rows;
    }

    private async Task<long> QuarterCsvAsync(string deviceId, ExportQuery query, PipeWriter output, CancellationToken cancellationToken)
    {
        var csv = new Utf8CsvWriter(output);
        csv.Header(QuarterHourExportRow.CsvHeader);
        long rows = 0;
        await foreach (var row in QuarterRowsAsync(deviceId, query, cancellationToken))
        {
            csv.Field(row.Start);
            csv.Field(row.End);
            csv.Field(row.Samples);
            csv.Field(row.AveragePowerW);
            csv.Field(row.MeanImportPowerW);
            csv.Field(row.MaxImportPowerW);
            csv.Field(row.AvgPowerW);
            csv.Field(row.MinPowerW);
            csv.Field(row.MaxPowerW);
            csv.Field(row.EnergyImportKwh);
            csv.Field(row.EnergyExportKwh);
            csv.EndRow();
            rows++;
            if (output.UnflushedBytes >= FlushBytes)
            {
                await output.FlushAsync(cancellationToken);
            }
        }

        return rows;
    }

    private async Task<long> QuarterJsonAsync(string deviceId, ExportQuery query, PipeWriter output, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("device_id", deviceId);
        json.WriteStartArray("quarter_hours");
        long rows = 0;
        await foreach (var row in QuarterRowsAsync(deviceId, query, cancellationToken))
        {
            JsonSerializer.Serialize(json, row, ReadJsonContext.Default.QuarterHourExportRow);
            rows++;
            if (rows % RowsPerCheck == 0)
            {
                await FlushJsonAsync(json, output, cancellationToken);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        return rows;
    }

    private static async ValueTask FlushJsonAsync(Utf8JsonWriter json, PipeWriter output, CancellationToken cancellationToken)
    {
        json.Flush();
        if (output.UnflushedBytes >= FlushBytes)
        {
            await output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Every slot with readings whose start lies in the range, with its interpolated quarter value.</summary>
    private async IAsyncEnumerable<QuarterHourExportRow> QuarterRowsAsync(
        string deviceId, ExportQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var gap = QuarterValues.MaxInterpolationGap;
        for (var chunkStart = query.From; chunkStart < query.To; chunkStart += Chunk)
        {
            var chunkEnd = chunkStart + Chunk < query.To ? chunkStart + Chunk : query.To;
            var rows = await store.GetQuarterHoursAsync(
                deviceId, chunkStart - QuarterHour.Length, chunkEnd + QuarterHour.Length, cancellationToken);
            var slots = rows.ToSlots();
            var timeline = new RegisterTimeline(slots);
            foreach (var slot in slots)
            {
                if (slot.Start < chunkStart || slot.Start >= chunkEnd || slot.SampleCount <= 0)
                {
                    continue;
                }

                var end = slot.Start + QuarterHour.Length;
                var importDelta = timeline.ImportAt(end, gap) - timeline.ImportAt(slot.Start, gap);
                var exportDelta = timeline.ExportAt(end, gap) - timeline.ExportAt(slot.Start, gap);
                yield return new QuarterHourExportRow
                {
                    Start = slot.Start,
                    End = end,
                    Samples = slot.SampleCount,
                    AveragePowerW = importDelta * 4000.0,
                    MeanImportPowerW = (double)slot.ImportPowerSumW / slot.SampleCount,
                    MaxImportPowerW = slot.ImportPowerMaxW,
                    AvgPowerW = (double)slot.PowerSumW / slot.SampleCount,
                    MinPowerW = slot.PowerMinW,
                    MaxPowerW = slot.PowerMaxW,
                    EnergyImportKwh = importDelta,
                    EnergyExportKwh = exportDelta,
                };
            }
        }
    }
}
