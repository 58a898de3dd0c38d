-- The meter's own monthly peaks (0-0:98.1.0), one row per device and local month; a re-sent month replaces its row.
CREATE TABLE meter_peaks (
    device_id   text COLLATE "C" NOT NULL,
    month       text COLLATE "C" NOT NULL,
    peak_w      integer          NOT NULL,
    peak_ts     timestamptz      NOT NULL,
    received_at timestamptz      NOT NULL,
    PRIMARY KEY (device_id, month)
);

-- The latest stale-data signals an edge reported for its meter.
CREATE TABLE meter_states (
    device_id              text COLLATE "C" PRIMARY KEY,
    source                 text,
    clock_stalled          boolean     NOT NULL,
    belgian_fields_missing boolean     NOT NULL,
    observed_at            timestamptz NOT NULL,
    received_at            timestamptz NOT NULL
);
