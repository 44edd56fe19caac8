CREATE TABLE ticker (symbol STRING, price DOUBLE, tax DOUBLE, rowtime TIMESTAMP(3), WATERMARK FOR rowtime AS rowtime - INTERVAL '3' SECOND) WITH (
  'connector' = 'kafka', 'topic' = 'ticker', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE dips (symbol STRING, start_ts TIMESTAMP(3), bottom_ts TIMESTAMP(3), end_ts TIMESTAMP(3)) WITH ('connector' = 'print');

INSERT INTO dips
SELECT *
FROM ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            START_ROW.rowtime AS start_ts,
            LAST(PRICE_DOWN.rowtime) AS bottom_ts,
            FINAL LAST(PRICE_UP.rowtime) AS end_ts
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO LAST PRICE_UP
        PATTERN (START_ROW PRICE_DOWN{2,} PRICE_UP+? (A | B)*) WITHIN INTERVAL '1' HOUR
        DEFINE
            PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price)
                OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
            PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1),
            A AS A.tax > 0.5,
            B AS B.tax <= PREV(B.tax)
    ) MR;
