CREATE TABLE events (id STRING, v INT) WITH (
  'connector' = 'kafka', 'topic' = 'events.default', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE counts (id STRING, n BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'counts', 'properties.bootstrap.servers' = 'k:9092', 'key.format' = 'json', 'value.format' = 'json');

-- The OPTIONS hint changes which topic is read and written: lineage follows the hint.
INSERT INTO counts /*+ OPTIONS('topic' = 'counts.v2') */
SELECT /*+ STATE_TTL('e' = '1d') */ id, COUNT(*)
FROM events /*+ OPTIONS('topic' = 'events.replay', 'scan.startup.mode' = 'earliest-offset') */ AS e
GROUP BY id;
