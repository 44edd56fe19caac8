CREATE DATABASE IF NOT EXISTS staging;
CREATE TABLE `default_catalog`.`staging`.`in` (v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging-in', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
USE staging;
CREATE TABLE `out` (v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging-out', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
USE default_catalog.default_database;
INSERT INTO staging.`out` SELECT v FROM default_catalog.staging.`in`;
