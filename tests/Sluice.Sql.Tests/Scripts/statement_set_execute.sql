CREATE TABLE payments (id STRING, amount DECIMAL(10, 2), method STRING) WITH (
  'connector' = 'kafka', 'topic' = 'payments', 'properties.bootstrap.servers' = 'pay:9092', 'format' = 'debezium-json');
CREATE TABLE card_payments (id STRING, amount DECIMAL(10, 2)) WITH (
  'connector' = 'kafka', 'topic' = 'payments.card', 'properties.bootstrap.servers' = 'pay:9092', 'format' = 'json');
CREATE TABLE other_payments (id STRING, amount DECIMAL(10, 2)) WITH (
  'connector' = 'kafka', 'topic' = 'payments.other', 'properties.bootstrap.servers' = 'pay:9092', 'format' = 'json');

EXECUTE STATEMENT SET
BEGIN
  INSERT INTO card_payments SELECT id, amount FROM payments WHERE method = 'card';
  INSERT INTO other_payments SELECT id, amount FROM payments WHERE method <> 'card';
END;
