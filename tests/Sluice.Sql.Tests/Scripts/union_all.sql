CREATE TABLE eu_orders (id STRING, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = 'orders.eu', 'properties.bootstrap.servers' = 'eu:9092', 'format' = 'json');
CREATE TABLE us_orders (id STRING, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = 'orders.us', 'properties.bootstrap.servers' = 'us:9092', 'format' = 'json');
CREATE TABLE all_orders (id STRING, amount DOUBLE, region STRING) WITH (
  'connector' = 'kafka', 'topic' = 'orders.all', 'properties.bootstrap.servers' = 'global:9092', 'format' = 'json');
INSERT INTO all_orders
SELECT id, amount, 'eu' FROM eu_orders
UNION ALL
SELECT id, amount, 'us' FROM us_orders;
