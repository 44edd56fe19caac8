CREATE TABLE rates (currency STRING, rate DECIMAL(10, 4), updated TIMESTAMP(3),
  WATERMARK FOR updated AS updated - INTERVAL '1' SECOND, PRIMARY KEY (currency) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'rates', 'properties.bootstrap.servers' = 'fx:9092', 'key.format' = 'raw', 'value.format' = 'json');
CREATE TABLE trades (id STRING, currency STRING, amount DECIMAL(10, 2), traded TIMESTAMP(3),
  WATERMARK FOR traded AS traded) WITH (
  'connector' = 'kafka', 'topic' = 'trades', 'properties.bootstrap.servers' = 'fx:9092', 'format' = 'json');
CREATE TABLE trades_eur (id STRING, amount_eur DECIMAL(20, 6)) WITH (
  'connector' = 'kafka', 'topic' = 'trades-eur', 'properties.bootstrap.servers' = 'fx:9092', 'format' = 'json');

INSERT INTO trades_eur
SELECT t.id, t.amount * r.rate
FROM trades AS t
LEFT JOIN rates FOR SYSTEM_TIME AS OF t.traded AS r ON t.currency = r.currency;
