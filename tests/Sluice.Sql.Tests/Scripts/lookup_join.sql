CREATE TABLE clicks (user_id BIGINT, url STRING, pt AS PROCTIME()) WITH (
  'connector' = 'kafka', 'topic' = 'clicks', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE customers (id BIGINT, segment STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:mysql://crm-db:3306/crm', 'table-name' = 'customers',
  'lookup.cache' = 'PARTIAL', 'password' = 'hunter2');
CREATE TABLE enriched_clicks (user_id BIGINT, url STRING, segment STRING) WITH (
  'connector' = 'kafka', 'topic' = 'clicks-enriched', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');

INSERT INTO enriched_clicks
SELECT /*+ LOOKUP('table'='c', 'retry-predicate'='lookup_miss', 'retry-strategy'='fixed_delay', 'fixed-delay'='10s', 'max-attempts'='3') */
  k.user_id, k.url, c.segment
FROM clicks AS k
JOIN customers FOR SYSTEM_TIME AS OF k.pt AS c ON k.user_id = c.id;
