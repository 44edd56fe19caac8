CREATE TABLE trips (driver STRING, km DOUBLE, city STRING) WITH (
  'connector' = 'kafka', 'topic' = 'trips', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
-- A table named like a CTE: the CTE wins inside the query.
CREATE TABLE long_trips (driver STRING, km DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = 'long-trips-table', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE report (city STRING, drivers BIGINT) WITH ('connector' = 'print');

INSERT INTO report
WITH long_trips AS (SELECT driver, city FROM trips WHERE km > 50),
     per_city (city, drivers) AS (SELECT city, COUNT(DISTINCT driver) FROM long_trips GROUP BY city),
     unused_cte AS (SELECT * FROM trips)
SELECT city, drivers FROM per_city;
