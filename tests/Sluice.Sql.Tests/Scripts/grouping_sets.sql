CREATE TABLE sales (region STRING, country STRING, product STRING, amount DOUBLE) WITH ('connector' = 'datagen');
SELECT region, country, SUM(amount) FROM sales GROUP BY GROUPING SETS ((region, country), (region), ());
SELECT region, product, SUM(amount) FROM sales GROUP BY ROLLUP (region, product);
SELECT region, product, GROUPING(region), SUM(amount) FROM sales GROUP BY CUBE (region, product) HAVING SUM(amount) > 10;
