CREATE FUNCTION split_words AS 'com.example.SplitWords';
CREATE TABLE sentences (id BIGINT, text STRING) WITH (
  'connector' = 'kafka', 'topic' = 'sentences', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE words (id BIGINT, word STRING, len INT) WITH (
  'connector' = 'kafka', 'topic' = 'words', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');

INSERT INTO words
SELECT s.id, w.word, w.len
FROM sentences AS s
CROSS JOIN LATERAL TABLE(split_words(s.text)) AS w(word, len);

INSERT INTO words
SELECT id, word, len
FROM sentences
LEFT JOIN LATERAL TABLE(split_words(text)) AS T(word, len) ON TRUE;

INSERT INTO words
SELECT id, word, len FROM sentences, LATERAL TABLE(split_words(text)) T(word, len);
