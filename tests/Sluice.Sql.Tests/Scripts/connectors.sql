CREATE TABLE k (id STRING) WITH ('connector' = 'kinesis', 'stream.arn' = 'arn:aws:kinesis:us-east-1:123456789012:stream/clickstream', 'format' = 'json');
CREATE TABLE h (rowkey STRING, cf ROW<q STRING>) WITH ('connector' = 'hbase-2.2', 'table-name' = 'ns:profiles', 'zookeeper.quorum' = 'zk1:2181,zk2:2181');
CREATE TABLE i (id STRING) WITH ('connector' = 'iceberg', 'catalog-name' = 'prod', 'catalog-type' = 'hadoop', 'warehouse' = 'hdfs://nn:8020/warehouse', 'catalog-database' = 'db', 'catalog-table' = 'ids');
CREATE TABLE m (id STRING) WITH ('connector' = 'mongodb', 'uri' = 'mongodb://user:pw@mongo-1:27017,mongo-0:27017/?replicaSet=rs0', 'database' = 'app', 'collection' = 'ids');
CREATE TABLE p (id STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT id FROM k UNION ALL SELECT rowkey FROM h UNION ALL SELECT id FROM i UNION ALL SELECT id FROM m;
