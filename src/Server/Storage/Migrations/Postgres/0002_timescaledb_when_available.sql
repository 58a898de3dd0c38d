-- With TimescaleDB installed (and preloaded), samples becomes a compressed hypertable; otherwise it stays a
-- plain table. Every query is the same either way: the primary key (device_id, ts) contains the time column.
DO $migration$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
       AND current_setting('shared_preload_libraries', true) LIKE '%timescaledb%' THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        PERFORM create_hypertable('samples', 'ts',
            chunk_time_interval => INTERVAL '7 days', migrate_data => true, if_not_exists => true);
        ALTER TABLE samples SET (
            timescaledb.compress,
            timescaledb.compress_segmentby = 'device_id',
            timescaledb.compress_orderby = 'ts');
        PERFORM add_compression_policy('samples', INTERVAL '30 days', if_not_exists => true);
        RAISE NOTICE 'samples is a TimescaleDB hypertable with compression after 30 days';
    ELSE
        RAISE NOTICE 'timescaledb is not available: samples stays a plain table';
    END IF;
END
$migration$;
