CREATE TABLE events (id BIGINT, kind STRING, dt STRING, hr STRING) WITH (
  'connector' = 'kafka', 'topic' = 'events', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE events_by_day (id BIGINT, kind STRING, dt STRING, hr STRING) PARTITIONED BY (dt, hr) WITH (
  'connector' = 'filesystem', 'path' = 'gs://bucket/events', 'format' = 'orc');
CREATE TABLE kinds (kind STRING, label STRING) WITH ('connector' = 'print');

INSERT OVERWRITE events_by_day PARTITION (dt = '2024-01-01', hr = '00') SELECT id, kind FROM events WHERE dt = '2024-01-01';
INSERT INTO events_by_day PARTITION (dt = '2024-01-02') (id, kind, hr) SELECT id, kind, hr FROM events;
INSERT INTO kinds (kind, label) VALUES ('a', 'Alpha'), ('b', 'It''s B');
INSERT INTO kinds (SELECT kind, kind FROM events);
EXECUTE INSERT INTO kinds SELECT kind, 'x' FROM events;
