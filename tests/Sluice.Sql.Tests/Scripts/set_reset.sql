-- SET in both spellings; options with a JobSpec home move there, the rest stay visible as overrides.
SET 'parallelism.default' = '4';
SET 'execution.checkpointing.interval' = '30 s';
SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE';
SET 'table.exec.state.ttl' = '1 h';
SET 'pipeline.name' = 'clicks per user';
SET table.exec.mini-batch.enabled = true;
SET 'table.local-time-zone' = 'UTC';
RESET 'table.local-time-zone';
SET 'sql-client.execution.result-mode' = 'tableau';
RESET;
SET 'parallelism.default' = '8';
SET 'table.exec.state.ttl' = '2 h';
SET 'table.exec.sink.not-null-enforcer' = 'DROP';

CREATE TABLE clicks (user_id BIGINT, url STRING) WITH (
  'connector' = 'kafka', 'topic' = 'clicks', 'properties.bootstrap.servers' = 'kafka-1:9092,kafka-0:9092', 'format' = 'json');
CREATE TABLE clicks_per_user (user_id BIGINT, n BIGINT, PRIMARY KEY (user_id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'clicks-per-user', 'properties.bootstrap.servers' = 'kafka-0:9092, kafka-1:9092',
  'key.format' = 'json', 'value.format' = 'json');

INSERT INTO clicks_per_user SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id;
