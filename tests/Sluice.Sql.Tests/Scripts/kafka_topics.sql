CREATE TABLE many (v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'logs.a;logs.b', 'properties.bootstrap.servers' = 'logs:9092', 'format' = 'raw');
CREATE TABLE pattern (v STRING) WITH (
  'connector' = 'kafka', 'topic-pattern' = 'metrics\..*', 'properties.bootstrap.servers' = 'logs:9092', 'format' = 'raw');
CREATE TABLE merged (v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'merged', 'properties.bootstrap.servers' = 'logs:9092', 'format' = 'raw');
INSERT INTO merged SELECT v FROM many UNION ALL SELECT v FROM pattern;
