CREATE TABLE page_views (user_id BIGINT, page STRING, viewed_at TIMESTAMP(3)) WITH (
  'connector' = 'kafka', 'topic' = 'page_views', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');

CREATE TABLE views_per_page WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://reporting.db:5432/analytics?sslmode=require',
  'table-name' = 'public.views_per_page'
) AS SELECT page, COUNT(*) AS views FROM page_views GROUP BY page;

CREATE OR REPLACE TABLE pages_seen WITH (
  'connector' = 'filesystem', 'path' = 's3a://lake/pages_seen', 'format' = 'json'
) AS SELECT DISTINCT page FROM page_views;
