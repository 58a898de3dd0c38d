-- Spreads one p1-server database over a Citus cluster, sharded by device_id: run once on the coordinator,
-- after `p1-server migrate` and before the first ingest. Every query of the server that touches a home's
-- readings names one device, and every key of a per-device table leads with device_id, so each request is
-- routed to the one worker that holds that home; the tables of one home are colocated with its samples.
-- Small tables that are read by other keys (tokens by hash, users by name, tariffs by grid area) are
-- reference tables: a copy on every worker.
CREATE EXTENSION IF NOT EXISTS citus;

SELECT create_distributed_table('samples', 'device_id');
SELECT create_distributed_table('quarter_hours', 'device_id', colocate_with => 'samples');
SELECT create_distributed_table('meter_peaks', 'device_id', colocate_with => 'samples');
SELECT create_distributed_table('meter_states', 'device_id', colocate_with => 'samples');
SELECT create_distributed_table('device_uploads', 'device_id', colocate_with => 'samples');

SELECT create_reference_table('schema_version');
SELECT create_reference_table('devices');
SELECT create_reference_table('device_tokens');
SELECT create_reference_table('users');
SELECT create_reference_table('grants');
SELECT create_reference_table('user_api_tokens');
SELECT create_reference_table('sign_in_failures');
SELECT create_reference_table('grid_tariffs');
SELECT create_reference_table('data_protection_keys');
-- The alert outbox is claimed across all devices by the delivery workers (the due rows, whatever the home):
-- a handful of rows per home and day, kept on every worker.
SELECT create_reference_table('alerts');
SELECT create_reference_table('alert_deliveries');
