-- cotscope workspace schema, version 2: an index for the response list.
--
-- The list pages through responses in sample order (the unique (sample_id, run_id, rollout) index) while filtering on
-- outcomes (correct, format_ok, score_disagreement) and sorting by step count. Those columns sit after `raw` in the
-- row, so reading them from the table walks every long chain's overflow pages: at 1M responses, a page of a filter
-- that matches few rows took over a second, and sorting one run by sample almost one. This index holds every column
-- the list filters or sorts on, so a page, its total and a row's position are read from the index alone (about 4%
-- more file size at 1M responses).
CREATE INDEX responses_list ON responses(sample_id, run_id, rollout, correct, format_ok, score_disagreement, step_count);
