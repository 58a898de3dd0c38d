using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.MeterPeaks;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Realtime;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Alerts;

/// <summary>
/// Decides which alerts a device's newest data raises and puts them in the outbox; also feeds the MQTT state.
/// Every replica may evaluate the same device: the outbox's unique key makes each alert exist once.
/// </summary>
public sealed class AlertEvaluator(
    LatestSampleCache latest,
    LiveQuarterService liveQuarters,
    MonthDigests digests,
    ISampleStore store,
    ReadPathSettings readSettings,
    AlertSettingsResolver resolver,
    AlertOutbox outbox,
    AlertSignals signals,
    MqttBridge mqtt,
    IMeterPeakStore meterStates,
    IOptions<AlertOptions> options,
    TimeProvider timeProvider,
    ILogger<AlertEvaluator> logger)
{
    /// <summary>Without a sample of a later quarter, a quarter counts as closed this long after its end (late uploads).</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _closedChecked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, LocalMonth), (DateTimeOffset At, Dictionary<LocalMonth, double> Billed)> _history = new();

    /// <summary>After an ingest (or from the sweep): the live-quarter alerts, a closed quarter's new peak and the MQTT state.</summary>
    public async Task EvaluateAsync(string deviceId, CancellationToken cancellationToken)
    {
        var settings = resolver.For(deviceId);
        var channels = settings.Channels();
        var alerting = settings.Enabled && channels.Count > 0;
        if (!alerting && !mqtt.Enabled)
        {
            // Nothing to tell anyone: no reads at all.
            return;
        }

        var sample = await latest.GetAsync(deviceId, cancellationToken);
        if (sample is null)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var quarter = await liveQuarters.GetAsync(sample, cancellationToken);
        if (mqtt.Enabled)
        {
            await PublishStateAsync(deviceId, sample, quarter, cancellationToken);
        }

        if (!alerting)
        {
            return;
        }

        if (quarter is { SecondsLeft: > 0 })
        {
            await CheckLiveQuarterAsync(deviceId, quarter, settings, channels, now, cancellationToken);
        }

        await CheckClosedQuarterAsync(deviceId, sample, channels, now, cancellationToken);
    }

    /// <summary>The sweep's checks: silence and the meter's missing quarter-hour fields.</summary>
    public async Task SweepAsync(string deviceId, CancellationToken cancellationToken)
    {
        var settings = resolver.For(deviceId);
        var channels = settings.Channels();
        if (!settings.Enabled || channels.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var sample = await latest.GetAsync(deviceId, cancellationToken);
        if (sample is not null && now - sample.Ts >= TimeSpan.FromMinutes(settings.NoDataMin))
        {
            // Keyed by the quarter of the last reading: one alert per silence, however long it lasts.
            await RaiseAsync(deviceId, AlertKinds.NoData, QuarterHour.StartOf(sample.Ts), null, channels, now, new AlertPayload
            {
                Event = AlertKinds.NoData,
                DeviceId = deviceId,
                QuarterStart = QuarterHour.StartOf(sample.Ts),
                At = now,
                LastReadingAt = sample.Ts,
            }, cancellationToken);
        }

        if (await meterStates.GetStateAsync(deviceId, cancellationToken) is { BelgianFieldsMissing: true } state
            && now - state.ObservedAt < TimeSpan.FromDays(1))
        {
            var day = TimeSpan.FromDays(1);
            await RaiseAsync(deviceId, AlertKinds.BelgianFieldsMissing, QuarterHour.StartOf(now), null, channels, now, new AlertPayload
            {
                Event = AlertKinds.BelgianFieldsMissing,
                DeviceId = deviceId,
                QuarterStart = QuarterHour.StartOf(now),
                At = now,
                LastReadingAt = sample?.Ts,
            }, cancellationToken, cooldown: day);
        }

        if (sample is not null && now - sample.Ts < QuarterHour.Length + CloseGrace)
        {
            // A quarter may close without a later sample arriving here; the timer path of the close check.
            await EvaluateAsync(deviceId, cancellationToken);
        }
    }

    private async Task CheckLiveQuarterAsync(string deviceId, LiveQuarterResponse quarter, DeviceAlertSettings settings,
        IReadOnlyList<string> channels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string kind;
        if (quarter.AveragePowerSoFarW > quarter.TargetW)
        {
            kind = AlertKinds.PeakCertain;
        }
        else if (quarter.ProjectedAveragePowerW > settings.RiskPct / 100.0 * quarter.TargetW)
        {
            kind = AlertKinds.PeakAtRisk;
        }
        else
        {
            return;
        }

        await RaiseAsync(deviceId, kind, quarter.Start, quarter.End, channels, now, new AlertPayload
        {
            Event = kind,
            DeviceId = deviceId,
            QuarterStart = quarter.Start,
            AverageSoFarW = quarter.AveragePowerSoFarW,
            ProjectedW = quarter.ProjectedAveragePowerW,
            TargetW = quarter.TargetW,
            RemainingW = quarter.RemainingPowerW,
            MonthPeakW = quarter.MonthPeakSoFarW,
            SecondsLeft = quarter.SecondsLeft,
            At = now,
        }, cancellationToken);
    }

    /// <summary>
    /// Once the quarter before the current one is complete (a sample of a later quarter arrived, or the grace
    /// passed), whether it set a new monthly peak above the billed one.
    /// </summary>
    private async Task CheckClosedQuarterAsync(string deviceId, Sample sample, IReadOnlyList<string> channels, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var current = QuarterHour.StartOf(now);
        var closed = current - QuarterHour.Length;
        if (sample.Ts < closed || (sample.Ts < current && now < current + CloseGrace))
        {
            return;
        }

        if (_closedChecked.TryGetValue(deviceId, out var checkedQuarter) && checkedQuarter >= closed)
        {
            return;
        }

        _closedChecked[deviceId] = closed;
        var device = readSettings.For(deviceId);
        var month = device.Calendar.MonthOf(closed);
        var range = device.Calendar.Month(month);
        var closedEnd = closed + QuarterHour.Length;
        var slots = (await store.GetQuarterHoursAsync(deviceId, range.Start - QuarterHour.Length, closedEnd + QuarterHour.Length, cancellationToken)).ToSlots();
        var withClosed = MonthPart.Compute(slots, new TimeRange(range.Start, closedEnd), device.Calendar, writePeaks: false);
        if (withClosed.Peak is not { } peak || peak.Start != closed)
        {
            return;
        }

        var before = closed > range.Start
            ? MonthPart.Compute(slots, new TimeRange(range.Start, closed), device.Calendar, writePeaks: false).Peak?.AveragePowerW
            : null;
        var previousBilled = CapacityTariff.BilledPeakW(before ?? 0);
        if (peak.AveragePowerW <= previousBilled)
        {
            return;
        }

        var billed = await BilledHistoryAsync(deviceId, month, cancellationToken);
        var rollingBefore = CapacityTariff.RollingAverageW(month, new Dictionary<LocalMonth, double>(billed) { [month] = previousBilled })!.Value;
        var rollingAfter = CapacityTariff.RollingAverageW(month, new Dictionary<LocalMonth, double>(billed) { [month] = CapacityTariff.BilledPeakW(peak.AveragePowerW) })!.Value;
        var tariff = device.TariffFor(month);
        decimal? yearCost = tariff is null ? null
            : Math.Round((decimal)(rollingAfter - rollingBefore) / 1000m * tariff.EurPerKwYear * (1m + (tariff.VatPct / 100m)), 2, MidpointRounding.AwayFromZero);
        await RaiseAsync(deviceId, AlertKinds.NewMonthlyPeak, closed, null, channels, now, new AlertPayload
        {
            Event = AlertKinds.NewMonthlyPeak,
            DeviceId = deviceId,
            QuarterStart = closed,
            AverageSoFarW = Math.Round(peak.AveragePowerW, 1),
            ProjectedW = Math.Round(peak.AveragePowerW, 1),
            TargetW = Math.Round(Math.Max(previousBilled, device.GoalPeakW ?? 0), 1),
            RemainingW = 0,
            MonthPeakW = Math.Round(peak.AveragePowerW, 1),
            PeakW = Math.Round(peak.AveragePowerW, 1),
            PreviousBilledPeakW = Math.Round(previousBilled, 1),
            RollingAverageChangeW = Math.Round(rollingAfter - rollingBefore, 1),
            YearCostChangeEur = yearCost,
            At = now,
        }, cancellationToken);
    }

    private async Task RaiseAsync(string deviceId, string kind, DateTimeOffset quarterStart, DateTimeOffset? expiresAt,
        IReadOnlyList<string> channels, DateTimeOffset now, AlertPayload payload, CancellationToken cancellationToken, TimeSpan? cooldown = null)
    {
        var json = JsonSerializer.Serialize(payload, AlertsJsonContext.Default.AlertPayload);
        var wait = cooldown ?? TimeSpan.FromMinutes(options.Value.CooldownMin);
        if (await outbox.TryInsertAsync(deviceId, kind, quarterStart, now, expiresAt, json, channels, wait, cancellationToken))
        {
            AlertLog.Raised(logger, kind, deviceId, quarterStart);
            signals.AlertInserted();
        }
    }

    private async Task PublishStateAsync(string deviceId, Sample sample, LiveQuarterResponse? quarter, CancellationToken cancellationToken)
    {
        try
        {
            var device = readSettings.For(deviceId);
            var month = device.Calendar.MonthOf(sample.Ts);
            double? rolling = null;
            decimal? cost = null;
            if (quarter is not null)
            {
                var billed = new Dictionary<LocalMonth, double>(await BilledHistoryAsync(deviceId, month, cancellationToken))
                {
                    [month] = CapacityTariff.BilledPeakW(quarter.MonthPeakSoFarW ?? 0),
                };
                rolling = CapacityTariff.RollingAverageW(month, billed);
                cost = rolling is { } r ? device.TariffFor(month)?.CostForMonth(r).InclVat : null;
            }

            var state = new MqttState
            {
                Ts = sample.Ts,
                PowerW = sample.PowerW,
                QuarterAverageW = quarter?.AveragePowerSoFarW,
                ProjectedW = quarter?.ProjectedAveragePowerW,
                TargetW = quarter?.TargetW,
                RemainingW = quarter?.RemainingPowerW,
                MonthPeakW = quarter?.MonthPeakSoFarW,
                RollingAverageW = rolling is { } value ? Math.Round(value, 1) : null,
                MonthCostEur = cost,
                QuarterState = quarter?.State,
                PeakAtRisk = quarter is not null && quarter.State != QuarterStates.Fine,
            };
            await mqtt.PublishStateAsync(deviceId, device.Name, state, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            AlertLog.StateFailed(logger, ex, deviceId);
        }
    }

    /// <summary>The billed peaks of the 11 months before <paramref name="month"/> that have data, kept for a few minutes.</summary>
    private async Task<Dictionary<LocalMonth, double>> BilledHistoryAsync(string deviceId, LocalMonth month, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_history.TryGetValue((deviceId, month), out var known) && now - known.At < TimeSpan.FromMinutes(10) && now >= known.At)
        {
            return known.Billed;
        }

        var first = month.AddMonths(-11);
        var digestsOfYear = await digests.GetRangeAsync(deviceId, first, 11, cancellationToken);
        var billed = new Dictionary<LocalMonth, double>();
        for (var i = 0; i < digestsOfYear.Count; i++)
        {
            if (digestsOfYear[i].PeakW is { } peak)
            {
                billed[first.AddMonths(i)] = CapacityTariff.BilledPeakW(peak);
            }
        }

        _history[(deviceId, month)] = (now, billed);
        return billed;
    }
}
