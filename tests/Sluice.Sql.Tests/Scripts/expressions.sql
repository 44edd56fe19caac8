/* Expressions of every kind, in a stateless projection.
   A block comment; -- and a line comment follow. */
CREATE TABLE `raw events` (
  `id` STRING,                        -- a quoted name with a space
  `weird``name` INT,                  -- an escaped backtick
  payload ROW<`user` ROW<name STRING, age INT>, attrs MAP<STRING, STRING>, vals ARRAY<DOUBLE>>,
  ts TIMESTAMP(3),
  amount DECIMAL(10, 2)
) WITH ('connector' = 'datagen');
CREATE TABLE cleaned (a STRING, b STRING, c INT, d DOUBLE, e BOOLEAN, f TIMESTAMP(3), g STRING, h BIGINT) WITH ('connector' = 'blackhole');

INSERT INTO cleaned
SELECT
  CASE WHEN `id` IS NULL THEN 'none' WHEN CHAR_LENGTH(`id`) > 3 THEN UPPER(`id`) ELSE 'It''s short' END,
  CASE payload.`user`.name WHEN 'root' THEN 'admin' ELSE TRIM(BOTH ' ' FROM payload.`user`.name) END,
  CAST(`weird``name` AS INT) + TRY_CAST('42' AS INT) * -1,
  COALESCE(payload.vals[1], 0.0) / 2 % 7,
  amount BETWEEN 1 AND 10 AND `id` NOT LIKE 'a!%%' ESCAPE '!' AND `id` SIMILAR TO '[0-9]+' AND amount IS DISTINCT FROM 3,
  FLOOR(ts TO HOUR) + INTERVAL '1 10:00:00' DAY TO SECOND - INTERVAL '2' YEAR,
  SUBSTRING(`id` FROM 2 FOR 3) || payload.attrs['k'] || CAST(EXTRACT(YEAR FROM ts) AS STRING) || CAST(POSITION('x' IN `id`) AS STRING),
  TIMESTAMPDIFF(SECOND, TIMESTAMP '2024-01-01 00:00:00', ts) + CARDINALITY(ARRAY[1, 2, 3]) + CARDINALITY(MAP['a', 1])
FROM `raw events`
WHERE ts > DATE '2024-01-01' AND `id` IN ('a', 'b') AND (payload.`user`.age >= 18 OR payload.`user`.age IS NULL)
  AND ROW(1, 2) IS NOT NULL AND x'CAFE' IS NOT NULL AND 1e3 > .5;
