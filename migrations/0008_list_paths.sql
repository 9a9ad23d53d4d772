-- cotscope workspace schema, version 8: indexes for the dashboards' drill-downs, the compare walk and the list's sorts.
--
-- A dashboard bar drills down to the library list of its responses: one run, maybe levels or domains, and one set of
-- marks (a label, a consensus, a first-step bin) by everyone or one annotator. Read through `responses`, every such page
-- and its total gathered the whole set first (at 1M responses and 200k tags, 80–330 ms). The marks (migration 0004)
-- carry the run, question, level, domain and correctness of their response, so these indexes answer the total as a
-- count over one index range, and a page in library order as a walk of the same range in question order that stops
-- after the page (electron/core/response-list.ts, the marks path).
--
-- The first-step bin and the consensus are indexed as the expressions of review_marks' generated columns bin and cons
-- (the same values; min(9, 10 · first_step / step_count) is NULL when either is NULL or the chain has no step): SQLite
-- reads an index on a virtual column by visiting every row, and one on an expression alone only when the columns the
-- expression reads are in the index too (else it checks each entry against the table: at 1M responses, a first-step
-- bin's total took 60 ms instead of 5). The list writes the same expressions (response-list.ts, MARK_BIN, MARK_CONS).
-- The expression leads, before akey: a drill names both, and the dashboard's lookups by akey alone keep the marks'
-- primary key (an index led by akey would take them over).
CREATE INDEX review_marks_bin ON review_marks(min(9, 10 * first_step / step_count), akey, sample_id, run_id, correct, level, domain,
  first_step, step_count);
CREATE INDEX review_marks_cons ON review_marks((CASE WHEN no > 0 THEN 'no' WHEN unclear > 0 THEN 'unclear' WHEN yes > 0 THEN 'yes' ELSE 'unjudged' END), akey,
  sample_id, run_id, correct, level, domain, yes, no, unclear);
CREATE INDEX label_marks_label ON label_marks(akey, label_id, sample_id, run_id, correct, level, domain);

-- Sorted by tag count, the list counted every response's tags and sorted them all (at 1M responses ~300 ms a page).
-- Everyone's review marks keep that count (tags); this index holds the tagged responses in the sort's order, and the
-- untagged ones, all tied at 0, come in library order along responses_list.
CREATE INDEX review_marks_tags ON review_marks(akey, tags, sample_id, run_id, correct, level, domain) WHERE tags > 0;

-- Sorted by step count, the list read every response's entry in the list index and sorted them (at 1M responses,
-- 100–250 ms a page). In this index's order a page stops after offset + limit matches, as sorted by question does
-- along responses_list. It holds the sort's keys only: with the outcome columns too it would answer every outcome
-- filter as well as responses_list does, and SQLite would choose between the two by chance.
CREATE INDEX responses_steps ON responses(step_count, sample_id, run_id, rollout);

-- The compare view lists every rollout of a page of questions with its prediction: at 1M responses a page of 50
-- questions is 20k responses, and reading prediction from the table took half the page's time. This index holds it
-- beside the question, run and rollout, so the walk reads the index alone. (Added to responses_list instead, the
-- wider list index lost SQLite's choice against the rare-outcome indexes of migration 0003 for their filters.)
CREATE INDEX responses_predictions ON responses(sample_id, run_id, rollout, prediction);
