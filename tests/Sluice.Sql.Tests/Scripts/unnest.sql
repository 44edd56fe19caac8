CREATE TABLE baskets (basket_id STRING, items ARRAY<ROW<sku STRING, qty INT>>, tags MAP<STRING, STRING>) WITH (
  'connector' = 'kafka', 'topic' = 'baskets', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE basket_items (basket_id STRING, pos INT, sku STRING, qty INT) WITH (
  'connector' = 'kafka', 'topic' = 'basket-items', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');

INSERT INTO basket_items
SELECT b.basket_id, i.pos, i.sku, i.qty
FROM baskets AS b
CROSS JOIN UNNEST(b.items) WITH ORDINALITY AS i (sku, qty, pos)
WHERE b.tags['channel'] = 'web' AND CARDINALITY(b.items) > 0;
