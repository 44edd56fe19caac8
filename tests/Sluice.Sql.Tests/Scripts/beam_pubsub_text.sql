CREATE EXTERNAL TABLE readings (event_timestamp TIMESTAMP, attributes MAP<VARCHAR, VARCHAR>, payload ROW<sensor VARCHAR, v DOUBLE>)
TYPE pubsub
LOCATION 'projects/iot-prod/topics/readings'
TBLPROPERTIES '{"format": "json", "timestampAttributeKey": "ts"}';

CREATE EXTERNAL TABLE sessions (sensor VARCHAR, n BIGINT)
TYPE text
LOCATION 'gs://iot-archive/sessions';

INSERT INTO sessions
SELECT r.payload.sensor, COUNT(*)
FROM readings AS r
GROUP BY r.payload.sensor, SESSION(r.event_timestamp, INTERVAL '5' MINUTE);

SELECT r.payload.sensor, AVG(r.payload.v)
FROM readings r
GROUP BY r.payload.sensor, HOP(r.event_timestamp, INTERVAL '1' MINUTE, INTERVAL '10' MINUTE);
