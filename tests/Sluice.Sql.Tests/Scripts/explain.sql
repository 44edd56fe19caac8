CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen');
CREATE TABLE only_explained (a INT) WITH ('connector' = 'datagen');
CREATE TABLE out_t (a INT) WITH ('connector' = 'blackhole');

EXPLAIN PLAN FOR SELECT a FROM only_explained;
EXPLAIN ESTIMATED_COST, CHANGELOG_MODE SELECT a, COUNT(*) FROM only_explained GROUP BY a;
EXPLAIN STATEMENT SET BEGIN INSERT INTO out_t SELECT a FROM only_explained; END;

INSERT INTO out_t SELECT a FROM t WHERE b LIKE 'x%';
