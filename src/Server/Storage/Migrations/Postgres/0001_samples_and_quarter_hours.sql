-- Raw readings, one row per device and meter timestamp; re-sent rows are ignored on the primary key.
CREATE TABLE samples (
    device_id            text COLLATE "C" NOT NULL,
    ts                   timestamptz      NOT NULL,
    power_w              integer          NOT NULL,
    import_power_w       integer          NOT NULL,
    energy_import_kwh    double precision NOT NULL,
    energy_export_kwh    double precision NOT NULL,
    average_power_15m_w  integer,
    monthly_power_peak_w integer,
    monthly_power_peak_ts timestamptz,
    power_l1_w           integer,
    power_l2_w           integer,
    power_l3_w           integer,
    gas_m3               double precision,
    gas_ts               timestamptz,
    PRIMARY KEY (device_id, ts)
);

-- 15-minute slots aligned in UTC, maintained in the same transaction as the raw insert from the new rows only.
CREATE TABLE quarter_hours (
    device_id          text COLLATE "C" NOT NULL,
    start              timestamptz      NOT NULL,
    sample_count       bigint           NOT NULL,
    import_power_sum_w bigint           NOT NULL,
    import_power_max_w integer          NOT NULL,
    power_sum_w        bigint           NOT NULL,
    power_min_w        integer          NOT NULL,
    power_max_w        integer          NOT NULL,
    first_ts           timestamptz      NOT NULL,
    first_import_kwh   double precision NOT NULL,
    first_export_kwh   double precision NOT NULL,
    last_ts            timestamptz      NOT NULL,
    last_import_kwh    double precision NOT NULL,
    last_export_kwh    double precision NOT NULL,
    PRIMARY KEY (device_id, start)
);
