CREATE TABLE orders (id BIGINT, customer BIGINT, amount DOUBLE) WITH ('connector' = 'datagen');
CREATE TABLE vip (customer BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE refunds (order_id BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE limits (max_amount DOUBLE) WITH ('connector' = 'datagen');
CREATE TABLE flagged (id BIGINT) WITH ('connector' = 'print');
INSERT INTO flagged
SELECT o.id FROM orders AS o
WHERE o.customer IN (SELECT customer FROM vip)
  AND NOT EXISTS (SELECT 1 FROM refunds AS r WHERE r.order_id = o.id)
  AND o.amount > (SELECT MAX(max_amount) FROM limits);
