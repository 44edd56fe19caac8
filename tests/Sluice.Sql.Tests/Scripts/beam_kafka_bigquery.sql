CREATE EXTERNAL TABLE IF NOT EXISTS clicks (
  user_id VARCHAR NOT NULL COMMENT 'who clicked',
  url VARCHAR,
  event_ts TIMESTAMP
)
TYPE kafka
LOCATION 'kafka-1:9092/clicks'
TBLPROPERTIES '{"bootstrap.servers": "kafka-1:9092,kafka-2:9092", "topics": ["clicks"], "format": "json"}';

CREATE EXTERNAL TABLE clicks_per_minute (url VARCHAR, clicks BIGINT, window_start TIMESTAMP)
TYPE bigquery
LOCATION 'my-project:web.clicks_per_minute';

INSERT INTO clicks_per_minute
SELECT url, COUNT(*) AS clicks, TUMBLE_START(event_ts, INTERVAL '1' MINUTE)
FROM clicks
GROUP BY url, TUMBLE(event_ts, INTERVAL '1' MINUTE);
