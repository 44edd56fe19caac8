CREATE TABLE orders (order_id STRING, status STRING, pt AS PROCTIME()) WITH (
  'connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE first_status (order_id STRING, status STRING) WITH (
  'connector' = 'kafka', 'topic' = 'orders-first-status', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');

-- Keep the first row per order (ordered by processing time): deduplication.
INSERT INTO first_status
SELECT order_id, status
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY pt ASC) AS rn
  FROM orders)
WHERE rn = 1;
