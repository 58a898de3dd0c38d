namespace P1Telemetry.Edge.Health;

/// <summary>The live state that the health file reports; written by the loops, read by the health writer.</summary>
public sealed class HealthMonitor(TimeProvider time, HealthThresholds? thresholds = null)
{
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly HealthThresholds _thresholds = thresholds ?? HealthThresholds.Default;
    private DateTimeOffset? _lastReadingAt;
    private DateTimeOffset? _meterFailingSince;
    private string? _meterError;
    private string? _apiVersion;
    private DateTimeOffset? _lastUploadAt;
    private string? _uploadError;
    private string? _deviceId;
    private long _spoolWriteFailures;
    private DateTimeOffset? _lastSpoolWriteFailureAt;
    private string? _spoolWriteError;
    private DateTimeOffset? _clockSkewDetectedAt;
    private double? _clockSkewSeconds;
    private string? _source;
    private long _badTelegrams;
    private string? _lastBadTelegram;
    private bool _clockStalled;
    private bool _belgianFieldsMissing;
    private DateTimeOffset? _meterPeaksPostedAt;

    public DateTimeOffset StartedAt => _startedAt;

    public HealthThresholds Thresholds => _thresholds;

    /// <summary>Records a reading; returns how long the meter had been failing, if it was.</summary>
    public TimeSpan? RecordReading(string apiVersion)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var outage = _meterFailingSince is { } since ? now - since : (TimeSpan?)null;
            _lastReadingAt = now;
            _meterFailingSince = null;
            _meterError = null;
            _apiVersion = apiVersion;
            return outage;
        }
    }

    public void RecordMeterFailure(string reason)
    {
        lock (_lock)
        {
            _meterFailingSince ??= time.GetUtcNow();
            _meterError = reason;
        }
    }

    public void RecordUpload()
    {
        lock (_lock)
        {
            _lastUploadAt = time.GetUtcNow();
            _uploadError = null;
            _clockSkewDetectedAt = null;
            _clockSkewSeconds = null;
        }
    }

    public void RecordUploadFailure(string reason)
    {
        lock (_lock)
        {
            _uploadError = reason;
        }
    }

    /// <summary>The server refused samples as too far in its future (<paramref name="skew"/>: newest sample ts − server time).</summary>
    public void RecordClockSkew(TimeSpan? skew, DateTimeOffset? serverTime)
    {
        lock (_lock)
        {
            _clockSkewDetectedAt = time.GetUtcNow();
            _clockSkewSeconds = skew is { } s ? Math.Round(s.TotalSeconds, 1) : null;
            _uploadError = skew is { } known
                ? $"the server refuses samples {known.TotalSeconds:0} s ahead of its clock ({serverTime:O})"
                : "the server refuses samples as too far ahead of its clock";
        }
    }

    /// <summary>A reading could not be written to the spool (disk full, file locked): it is lost, so say so.</summary>
    public void RecordSpoolWriteFailure(string reason)
    {
        lock (_lock)
        {
            _spoolWriteFailures++;
            _lastSpoolWriteFailureAt = time.GetUtcNow();
            _spoolWriteError = reason;
        }
    }

    public void RecordDeviceId(string deviceId)
    {
        lock (_lock)
        {
            _deviceId = deviceId;
        }
    }

    /// <summary>The configured meter source, as health names it.</summary>
    public void RecordSource(string source)
    {
        lock (_lock)
        {
            _source = source;
        }
    }

    /// <summary>A telegram that failed its CRC or could not be read: counted, never stored.</summary>
    public void RecordBadTelegram(string reason)
    {
        lock (_lock)
        {
            _badTelegrams++;
            _lastBadTelegram = reason;
        }
    }

    /// <summary>Stale data while the source still answers: a stalled meter clock, vanished Belgian fields.</summary>
    public void RecordMeterState(bool clockStalled, bool belgianFieldsMissing)
    {
        lock (_lock)
        {
            _clockStalled = clockStalled;
            _belgianFieldsMissing = belgianFieldsMissing;
        }
    }

    public void RecordMeterPeaksPosted()
    {
        lock (_lock)
        {
            _meterPeaksPostedAt = time.GetUtcNow();
        }
    }

    public long BadTelegrams
    {
        get
        {
            lock (_lock)
            {
                return _badTelegrams;
            }
        }
    }

    public HealthReport Snapshot(long spoolDepth, long quarantineCount, DateTimeOffset? oldestSpooledAt = null, long? diskFreeBytes = null)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var report = new HealthReport
            {
                WrittenAt = now,
                StartedAt = _startedAt,
                DeviceId = _deviceId,
                MeterReachable = _meterFailingSince is null && _lastReadingAt is not null,
                MeterApiVersion = _apiVersion,
                MeterError = _meterError,
                MeterUnreachableSince = _meterFailingSince,
                LastReadingAt = _lastReadingAt,
                LastReadingAgeSeconds = _lastReadingAt is { } at ? Math.Round((now - at).TotalSeconds, 1) : null,
                SpoolDepth = spoolDepth,
                QuarantineCount = quarantineCount,
                OldestSpooledAt = oldestSpooledAt,
                OldestSpooledAgeSeconds = oldestSpooledAt is { } oldest ? Math.Round((now - oldest).TotalSeconds, 1) : null,
                SpoolDiskFreeBytes = diskFreeBytes,
                SpoolWriteFailures = _spoolWriteFailures,
                LastSpoolWriteFailureAt = _lastSpoolWriteFailureAt,
                SpoolWriteError = _spoolWriteError,
                LastUploadAt = _lastUploadAt,
                UploadError = _uploadError,
                ClockSkewSeconds = _clockSkewSeconds,
                ClockSkewDetectedAt = _clockSkewDetectedAt,
                MeterSource = _source,
                BadTelegrams = _badTelegrams,
                LastBadTelegram = _lastBadTelegram,
                MeterClockStalled = _clockStalled,
                BelgianFieldsMissing = _belgianFieldsMissing,
                MeterPeaksPostedAt = _meterPeaksPostedAt,
            };
            return HealthEvaluator.Evaluate(report, now, _thresholds);
        }
    }
}
