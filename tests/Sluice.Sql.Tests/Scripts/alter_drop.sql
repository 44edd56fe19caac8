CREATE TABLE src (id BIGINT, v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'old-topic', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE dst (id BIGINT, v STRING) WITH ('connector' = 'blackhole');
CREATE TABLE scratch (id BIGINT) WITH ('connector' = 'datagen');
CREATE TEMPORARY VIEW v AS SELECT id FROM scratch;
CREATE FUNCTION f AS 'com.example.F';

ALTER TABLE src SET ('topic' = 'new-topic', 'scan.startup.mode' = 'latest-offset');
ALTER TABLE src RESET ('scan.startup.mode');
ALTER TABLE IF EXISTS src RENAME TO source_events;
ALTER VIEW v AS SELECT id FROM source_events;
ALTER FUNCTION f AS 'com.example.F2';
DROP TEMPORARY VIEW v;
DROP TABLE IF EXISTS scratch;
DROP FUNCTION IF EXISTS f;
DROP TABLE IF EXISTS never_declared;

INSERT INTO dst SELECT id, v FROM source_events;
