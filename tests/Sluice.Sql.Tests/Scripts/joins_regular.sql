CREATE TABLE a (id INT, x STRING) WITH ('connector' = 'datagen');
CREATE TABLE b (id INT, y STRING) WITH ('connector' = 'datagen');
CREATE TABLE c (id INT, z STRING) WITH ('connector' = 'datagen');
CREATE TABLE d (id INT, w STRING) WITH ('connector' = 'datagen');
CREATE TABLE e (id INT) WITH ('connector' = 'datagen');

SELECT a.x, b.y, c.z, d.w
FROM a
LEFT OUTER JOIN b ON a.id = b.id
RIGHT JOIN c ON b.id = c.id
FULL OUTER JOIN d USING (id)
CROSS JOIN e;

SELECT * FROM a NATURAL JOIN b;
SELECT a.x FROM a, b WHERE a.id = b.id;
