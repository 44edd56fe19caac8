CREATE TABLE scores (player STRING, game STRING, score BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE leaderboard (game STRING, player STRING, score BIGINT, pos BIGINT) WITH ('connector' = 'print');
INSERT INTO leaderboard
WITH ranked AS (
  SELECT game, player, score, RANK() OVER (PARTITION BY game ORDER BY score DESC) AS pos FROM scores
)
SELECT game, player, score, pos FROM ranked WHERE pos <= 10 AND score > 0;
