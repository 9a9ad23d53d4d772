-- cotscope workspace schema, version 6: a larger buffer for the full-text index.
--
-- FTS5 collects new entries in memory and writes them out as a new segment each time the buffer passes `hashsize`
-- (1 MiB by default); segments are then merged, again and again, as they accumulate. At 1 MiB a run import of a
-- million chains wrote hundreds of small segments and spent most of its search-indexing time merging them. With a
-- 64 MiB buffer the same import writes a handful of segments and merges far less; the index, and every search
-- result, is the same. The buffer is memory the importing process holds only while it writes.
INSERT INTO responses_fts (responses_fts, rank) VALUES ('hashsize', 67108864);
