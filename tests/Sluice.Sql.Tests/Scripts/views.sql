CREATE TABLE readings (sensor STRING, reading DOUBLE, at_time TIMESTAMP(3)) WITH (
  'connector' = 'kinesis', 'stream' = 'sensor-readings', 'aws.region' = 'eu-west-1', 'format' = 'json');
CREATE TABLE alerts (sensor STRING, reading DOUBLE) WITH ('connector' = 'print');

CREATE TEMPORARY VIEW IF NOT EXISTS valid_readings (sensor, reading) AS
  SELECT sensor, reading FROM readings WHERE reading IS NOT NULL;
CREATE VIEW high_readings AS SELECT * FROM valid_readings WHERE reading > 100.0;
-- Never used: its table is not read because of it.
CREATE VIEW unused_view AS SELECT sensor FROM readings;

INSERT INTO alerts SELECT sensor, reading FROM high_readings;
