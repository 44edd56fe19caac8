CREATE TABLE bids (item STRING, price DOUBLE, bidtime TIMESTAMP(3), WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND) WITH (
  'connector' = 'kafka', 'topic' = 'bids', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE bid_totals (window_start TIMESTAMP(3), window_end TIMESTAMP(3), total DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = 'bid-totals', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');

INSERT INTO bid_totals
SELECT window_start, window_end, SUM(price)
FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(bidtime), SIZE => INTERVAL '10' MINUTES))
GROUP BY window_start, window_end;
