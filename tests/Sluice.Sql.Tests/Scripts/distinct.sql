CREATE TABLE visits (user_id STRING, page STRING) WITH ('connector' = 'datagen');
SELECT DISTINCT user_id FROM visits;
SELECT COUNT(DISTINCT page) AS pages FROM visits;
