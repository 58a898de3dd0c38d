namespace P1Telemetry.Edge.Health;

/// <summary>The live state that the health file reports; written by the loops, read by the health writer.</summary>
public sealed class HealthMonitor(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private DateTimeOffset? _lastReadingAt;
    private DateTimeOffset? _meterFailingSince;
    private string? _meterError;
    private string? _apiVersion;
    private DateTimeOffset? _lastUploadAt;
    private string? _uploadError;
    private string? _deviceId;
    private string? _source;
    private long _badTelegrams;
    private string? _lastBadTelegram;
    private bool _clockStalled;
    private bool _belgianFieldsMissing;
    private DateTimeOffset? _meterPeaksPostedAt;

    public DateTimeOffset StartedAt => _startedAt;

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
        }
    }

    public void RecordUploadFailure(string reason)
    {
        lock (_lock)
        {
            _uploadError = reason;
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

    public HealthReport Snapshot(long spoolDepth, long quarantineCount)
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
                LastUploadAt = _lastUploadAt,
                UploadError = _uploadError,
                MeterSource = _source,
                BadTelegrams = _badTelegrams,
                LastBadTelegram = _lastBadTelegram,
                MeterClockStalled = _clockStalled,
                BelgianFieldsMissing = _belgianFieldsMissing,
                MeterPeaksPostedAt = _meterPeaksPostedAt,
            };
            return HealthEvaluator.Evaluate(report, now);
        }
    }
}
