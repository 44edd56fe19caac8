CREATE TABLE base_events (
  id STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'events.base',
  'properties.bootstrap.servers' = 'events:9092',
  'format' = 'json'
);

-- Inherits the connector and brokers, overrides the topic.
CREATE TABLE eu_events WITH ('topic' = 'events.eu')
LIKE base_events (INCLUDING ALL OVERWRITING OPTIONS);

-- Keeps the schema only.
CREATE TEMPORARY TABLE eu_events_print WITH ('connector' = 'print')
LIKE base_events (EXCLUDING OPTIONS INCLUDING WATERMARKS);

INSERT INTO eu_events_print SELECT * FROM eu_events;
