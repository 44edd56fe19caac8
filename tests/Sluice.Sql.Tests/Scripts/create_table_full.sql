CREATE TABLE IF NOT EXISTS `orders` (
  `order_id`    BIGINT NOT NULL COMMENT 'the order',
  `customer`    ROW<id BIGINT, name STRING 'display name'>,
  `items`       ARRAY<ROW<sku STRING, qty INT>>,
  `tags`        MAP<STRING, ARRAY<STRING>>,
  `price`       DECIMAL(10, 2),
  `currency`    CHAR(3),
  `ts`          TIMESTAMP(3) WITH LOCAL TIME ZONE,
  `amount`      AS price * 100 COMMENT 'in cents',
  `proc`        AS PROCTIME(),
  `partition`   BIGINT METADATA VIRTUAL,
  `kafka_ts`    TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
  `headers`     MAP<STRING, BYTES> METADATA FROM 'headers' VIRTUAL,
  `event_time`  TIMESTAMP(3),
  `dt`          STRING,
  WATERMARK FOR `event_time` AS `event_time` - INTERVAL '5' SECOND,
  CONSTRAINT pk PRIMARY KEY (`order_id`) NOT ENFORCED
) COMMENT 'orders from the shop'
PARTITIONED BY (`dt`)
WITH (
  'connector' = 'kafka',
  'topic' = 'shop.orders',
  'properties.bootstrap.servers' = 'broker:9092',
  'properties.group.id' = 'orders-archiver',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'avro-confluent'
);

CREATE TEMPORARY TABLE archive (
  order_id BIGINT PRIMARY KEY NOT ENFORCED,
  amount DECIMAL(12, 0),
  dt STRING
) PARTITIONED BY (dt) WITH (
  'connector' = 'filesystem',
  'path' = 'hdfs://namenode:8020/warehouse/orders/',
  'format' = 'parquet'
);

INSERT INTO archive SELECT order_id, amount, dt FROM `orders` WHERE currency = 'EUR';
