-- A job with no source: constant rows into a sink.
CREATE TABLE greetings (id INT, text STRING) WITH ('connector' = 'print');
INSERT INTO greetings VALUES (1, 'hello'), (2, 'world');
SELECT 1 + 1 AS two, 'x' || 'y' AS xy;
