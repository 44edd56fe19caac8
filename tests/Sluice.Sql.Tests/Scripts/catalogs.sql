CREATE CATALOG lake WITH (
  'type' = 'iceberg',
  'catalog-type' = 'hive',
  'uri' = 'thrift://metastore:9083',
  'warehouse' = 's3://lake/warehouse'
);
CREATE CATALOG hive WITH ('type' = 'hive', 'hive-conf-dir' = '/etc/hive/conf', 'hive.metastore.uris' = 'thrift://hms:9083');
CREATE DATABASE IF NOT EXISTS lake.bronze COMMENT 'raw data' WITH ('owner' = 'data-eng');

USE CATALOG lake;
USE bronze;

-- A table the script declares, in a catalog it did not create the table in: its connector decides.
CREATE TEMPORARY TABLE default_catalog.default_database.clicks (id BIGINT, url STRING) WITH (
  'connector' = 'kafka', 'topic' = 'clicks', 'properties.bootstrap.servers' = 'k1:9092', 'format' = 'json');

INSERT INTO bronze.clicks_raw SELECT id, url FROM default_catalog.default_database.clicks;
INSERT INTO `hive`.`web`.`clicks_copy` SELECT * FROM clicks_raw;
