CREATE TABLE bids (item STRING, bidder STRING, bidtime TIMESTAMP(3), WATERMARK FOR bidtime AS bidtime) WITH ('connector' = 'datagen');
SELECT *
FROM (
  SELECT window_start, window_end, item, bidder, bidtime,
         ROW_NUMBER() OVER (PARTITION BY window_start, window_end, item ORDER BY bidtime DESC) AS rownum
  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
) WHERE rownum <= 1;
