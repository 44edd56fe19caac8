CREATE TABLE used_src (v STRING) WITH ('connector' = 'datagen');
CREATE TABLE used_dst (v STRING) WITH ('connector' = 'blackhole');
CREATE TABLE never_used (v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'never', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE also_never (v STRING) WITH ('connector' = 'filesystem', 'path' = '/tmp/never', 'format' = 'csv');
INSERT INTO used_dst SELECT v FROM used_src;
