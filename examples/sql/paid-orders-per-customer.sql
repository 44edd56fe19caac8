-- A Flink SQL job as a team would write it: `sluice apply -f examples/sql/ -n fulfilment` stores it as a JobSpec
-- whose sources, sinks and state Sluice works out by analysing the script.
-- It reads the paid-orders stream that orders-payments-join writes, so lineage links the two jobs.
SET 'parallelism.default' = '2';
SET 'execution.checkpointing.interval' = '30 s';

CREATE TABLE paid_orders (
  order_id STRING,
  customer_id STRING,
  amount_cents BIGINT,
  payment_id STRING,
  paid_time TIMESTAMP(3),
  WATERMARK FOR paid_time AS paid_time - INTERVAL '10' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'paid-orders',
  'properties.bootstrap.servers' = 'kafka-commerce-0.kafka.internal:9092',
  'properties.group.id' = 'paid-orders-per-customer',
  'format' = 'json'
);

CREATE TABLE customer_spend_hourly (
  customer_id STRING,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  orders BIGINT,
  spend_cents BIGINT,
  PRIMARY KEY (customer_id, window_start) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://analytics-db.internal:5432/analytics',
  'table-name' = 'customer_spend_hourly'
);

INSERT INTO customer_spend_hourly
SELECT customer_id, window_start, window_end, COUNT(*) AS orders, SUM(amount_cents) AS spend_cents
FROM TABLE(TUMBLE(TABLE paid_orders, DESCRIPTOR(paid_time), INTERVAL '1' HOUR))
GROUP BY customer_id, window_start, window_end;
