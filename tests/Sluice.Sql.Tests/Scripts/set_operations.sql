CREATE TABLE web_users (id BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE app_users (id BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE banned (id BIGINT) WITH ('connector' = 'datagen');
SELECT id FROM web_users UNION SELECT id FROM app_users;
(SELECT id FROM web_users INTERSECT SELECT id FROM app_users) EXCEPT ALL SELECT id FROM banned;
SELECT id FROM web_users MINUS SELECT id FROM banned;
