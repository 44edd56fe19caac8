CREATE CATALOG pg WITH (
  'type' = 'jdbc',
  'default-database' = 'shop',
  'username' = 'flink',
  'password' = 'secret',
  'base-url' = 'jdbc:postgresql://pg.internal:5432'
);
CREATE TABLE orders_print (id BIGINT, total DECIMAL(10, 2)) WITH ('connector' = 'print');
INSERT INTO orders_print SELECT id, total FROM pg.shop.`public.orders`;
