ADD JAR '/opt/flink/usrlib/geo-udfs.jar';
CREATE FUNCTION geo_hash AS 'com.example.geo.GeoHash';
CREATE TEMPORARY FUNCTION IF NOT EXISTS mask_email AS 'com.example.pii.MaskEmail' LANGUAGE JAVA USING JAR 's3://udfs/pii.jar', JAR 's3://udfs/commons.jar';
CREATE TEMPORARY SYSTEM FUNCTION normalize AS 'udfs.normalize' LANGUAGE PYTHON;
CREATE FUNCTION score AS 'com.example.Score' LANGUAGE SCALA;

CREATE TABLE users (id BIGINT, email STRING, lat DOUBLE, lon DOUBLE) WITH (
  'connector' = 'pulsar', 'topics' = 'persistent://public/default/users', 'service-url' = 'pulsar://pulsar:6650', 'format' = 'json');
CREATE TABLE users_clean (id BIGINT, email STRING, cell STRING) WITH (
  'connector' = 'elasticsearch-7', 'hosts' = 'http://es-2:9200;http://es-1:9200', 'index' = 'users');

INSERT INTO users_clean SELECT id, mask_email(normalize(email)), geo_hash(lat, lon) FROM users;
