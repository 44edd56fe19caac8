CREATE TABLE products_cdc (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'mysql-cdc', 'hostname' = 'mysql.prod', 'port' = '3306', 'username' = 'cdc', 'password' = 'pw',
  'database-name' = 'shop', 'table-name' = 'products');
CREATE TABLE products_copy (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:mysql://mysql.replica:3306/shop', 'table-name' = 'products');
INSERT INTO products_copy SELECT id, name FROM products_cdc;
