-- cotscope workspace schema, version 4: counts kept for the compare matrix and the dashboards.
--
-- Responses never change after import, yet every compare matrix and accuracy chart needs, per run and question, how
-- many responses there are and how many are correct. Counted from `responses` that is a walk over every response
-- (at 1M responses, 100 ms and more); kept here it is a few thousand rows. The run importer adds its counts in its
-- own transaction (electron/core/compare.ts, RunSampleCounts): responses are only ever written there. This migration
-- fills it for an existing workspace. No foreign keys: the table is derived from responses.
CREATE TABLE run_samples (
  run_id     INTEGER NOT NULL,
  sample_id  INTEGER NOT NULL,            -- samples.id
  level      TEXT NOT NULL,               -- the sample's level and domain ('' when none), which never change
  domain     TEXT NOT NULL,
  responses  INTEGER NOT NULL,
  correct    INTEGER NOT NULL,
  a          INTEGER NOT NULL,            -- responses predicting A, B, C, D, and none readable
  b          INTEGER NOT NULL,
  c          INTEGER NOT NULL,
  d          INTEGER NOT NULL,
  none       INTEGER NOT NULL,
  PRIMARY KEY (run_id, sample_id)
) WITHOUT ROWID;

INSERT INTO run_samples (run_id, sample_id, level, domain, responses, correct, a, b, c, d, none)
  SELECT x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.n, x.correct, x.a, x.b, x.c, x.d, x.none
    FROM (SELECT run_id, sample_id, COUNT(*) AS n, SUM(correct) AS correct, SUM(prediction IS 'A') AS a,
                 SUM(prediction IS 'B') AS b, SUM(prediction IS 'C') AS c, SUM(prediction IS 'D') AS d,
                 SUM(prediction IS NULL) AS none
            FROM responses GROUP BY run_id, sample_id) x
    JOIN samples s ON s.id = x.sample_id;

-- ---------- review marks: who reviewed what, kept by triggers on tags and verdicts ----------
--
-- The dashboards count reviewed responses, labels, verdict consensus and where the first tag falls, per run and level,
-- by a chosen set of annotators. Counted from tags and verdicts, each count joins 200k tags to their responses (at 1M
-- responses, seconds). So two layers are kept, exact at every commit, by triggers in the writer's own transaction:
--
-- 1. review_marks: one row per (annotator, response) the annotator reviewed — a live tag, or a verdict that judges
--    (supports set) or is done — and label_marks: one row per (annotator, label, response) with a live tag. akey is
--    annotators.id, or 0 for everyone together (so "everyone" needs no de-duplication across annotators). Run, sample,
--    level, domain and correctness are copied from the response and its sample, which never change after import.
--    Every change to a tag or verdict recomputes its response's rows for its annotator and for 0.
-- 2. review_counts, label_counts, pair_counts: those rows counted per (akey, run, level, domain), kept by triggers on
--    layer 1. A dashboard reads a few hundred rows of these, however many responses and tags there are.
--
-- first_step is the tagged step a chain goes wrong first (electron/core/response-list.ts, FIRST_STEP_INDEX): a step
-- tag's first step, a span tag's step holding its start; bin is its tenth of the chain, min(9, 10·first/steps).
CREATE TABLE review_marks (
  akey         INTEGER NOT NULL,          -- annotators.id; 0 = everyone
  response_id  INTEGER NOT NULL,
  run_id       INTEGER NOT NULL,
  sample_id    INTEGER NOT NULL,
  level        TEXT NOT NULL,
  domain       TEXT NOT NULL,             -- samples.domain, '' when none
  correct      INTEGER NOT NULL,
  tags         INTEGER NOT NULL,          -- live tags
  first_step   INTEGER,                   -- first tagged step index, NULL when no tag marks a step
  step_count   INTEGER NOT NULL,
  yes          INTEGER NOT NULL,          -- verdicts saying the reasoning supports the answer: yes, no, unclear
  no           INTEGER NOT NULL,
  unclear      INTEGER NOT NULL,
  done         INTEGER NOT NULL,          -- verdicts with review status done
  -- consensus of the verdicts: no if any says no, yes if all that judged say yes, unclear otherwise
  cons         TEXT GENERATED ALWAYS AS (CASE WHEN no > 0 THEN 'no' WHEN unclear > 0 THEN 'unclear' WHEN yes > 0 THEN 'yes' ELSE 'unjudged' END) VIRTUAL,
  bin          INTEGER GENERATED ALWAYS AS (CASE WHEN first_step IS NULL OR step_count = 0 THEN NULL ELSE min(9, 10 * first_step / step_count) END) VIRTUAL,
  PRIMARY KEY (akey, response_id)
) WITHOUT ROWID;

CREATE TABLE label_marks (
  akey         INTEGER NOT NULL,
  label_id     INTEGER NOT NULL,
  response_id  INTEGER NOT NULL,
  run_id       INTEGER NOT NULL,
  sample_id    INTEGER NOT NULL,
  level        TEXT NOT NULL,
  domain       TEXT NOT NULL,
  correct      INTEGER NOT NULL,
  tags         INTEGER NOT NULL,          -- live tags of this label
  PRIMARY KEY (akey, label_id, response_id)
) WITHOUT ROWID;
-- A response's labels (co-occurrence upkeep; the compare view's per-question labels).
CREATE INDEX label_marks_response ON label_marks(akey, response_id);
CREATE INDEX label_marks_sample ON label_marks(akey, sample_id, run_id);

CREATE TABLE review_counts (
  akey INTEGER NOT NULL, run_id INTEGER NOT NULL, level TEXT NOT NULL, domain TEXT NOT NULL,
  reviewed INTEGER NOT NULL,
  right_yes INTEGER NOT NULL, right_no INTEGER NOT NULL, right_unclear INTEGER NOT NULL,  -- correct responses by consensus
  wrong_yes INTEGER NOT NULL, wrong_no INTEGER NOT NULL, wrong_unclear INTEGER NOT NULL,
  f0 INTEGER NOT NULL, f1 INTEGER NOT NULL, f2 INTEGER NOT NULL, f3 INTEGER NOT NULL, f4 INTEGER NOT NULL,  -- first-step bins
  f5 INTEGER NOT NULL, f6 INTEGER NOT NULL, f7 INTEGER NOT NULL, f8 INTEGER NOT NULL, f9 INTEGER NOT NULL,
  PRIMARY KEY (akey, run_id, level, domain)
) WITHOUT ROWID;

CREATE TABLE label_counts (
  akey INTEGER NOT NULL, run_id INTEGER NOT NULL, level TEXT NOT NULL, domain TEXT NOT NULL, label_id INTEGER NOT NULL,
  responses INTEGER NOT NULL,
  PRIMARY KEY (akey, run_id, level, domain, label_id)
) WITHOUT ROWID;

-- Responses carrying both labels, label_a < label_b (a label with itself is label_counts).
CREATE TABLE pair_counts (
  akey INTEGER NOT NULL, run_id INTEGER NOT NULL, level TEXT NOT NULL, domain TEXT NOT NULL,
  label_a INTEGER NOT NULL, label_b INTEGER NOT NULL,
  responses INTEGER NOT NULL,
  PRIMARY KEY (akey, run_id, level, domain, label_a, label_b)
) WITHOUT ROWID;

-- Layer 2 follows layer 1 (a row in or out, never updated in place). Created first, so the backfill below fills both.
CREATE TRIGGER review_marks_in AFTER INSERT ON review_marks BEGIN
  INSERT INTO review_counts VALUES (NEW.akey, NEW.run_id, NEW.level, NEW.domain, 1,
    NEW.correct = 1 AND NEW.cons = 'yes', NEW.correct = 1 AND NEW.cons = 'no', NEW.correct = 1 AND NEW.cons = 'unclear',
    NEW.correct = 0 AND NEW.cons = 'yes', NEW.correct = 0 AND NEW.cons = 'no', NEW.correct = 0 AND NEW.cons = 'unclear',
    NEW.bin IS 0, NEW.bin IS 1, NEW.bin IS 2, NEW.bin IS 3, NEW.bin IS 4, NEW.bin IS 5, NEW.bin IS 6, NEW.bin IS 7,
    NEW.bin IS 8, NEW.bin IS 9)
  ON CONFLICT DO UPDATE SET reviewed = reviewed + 1,
    right_yes = right_yes + excluded.right_yes, right_no = right_no + excluded.right_no,
    right_unclear = right_unclear + excluded.right_unclear, wrong_yes = wrong_yes + excluded.wrong_yes,
    wrong_no = wrong_no + excluded.wrong_no, wrong_unclear = wrong_unclear + excluded.wrong_unclear,
    f0 = f0 + excluded.f0, f1 = f1 + excluded.f1, f2 = f2 + excluded.f2, f3 = f3 + excluded.f3, f4 = f4 + excluded.f4,
    f5 = f5 + excluded.f5, f6 = f6 + excluded.f6, f7 = f7 + excluded.f7, f8 = f8 + excluded.f8, f9 = f9 + excluded.f9;
END;

CREATE TRIGGER review_marks_out AFTER DELETE ON review_marks BEGIN
  UPDATE review_counts SET reviewed = reviewed - 1,
    right_yes = right_yes - (OLD.correct = 1 AND OLD.cons = 'yes'), right_no = right_no - (OLD.correct = 1 AND OLD.cons = 'no'),
    right_unclear = right_unclear - (OLD.correct = 1 AND OLD.cons = 'unclear'),
    wrong_yes = wrong_yes - (OLD.correct = 0 AND OLD.cons = 'yes'), wrong_no = wrong_no - (OLD.correct = 0 AND OLD.cons = 'no'),
    wrong_unclear = wrong_unclear - (OLD.correct = 0 AND OLD.cons = 'unclear'),
    f0 = f0 - (OLD.bin IS 0), f1 = f1 - (OLD.bin IS 1), f2 = f2 - (OLD.bin IS 2), f3 = f3 - (OLD.bin IS 3),
    f4 = f4 - (OLD.bin IS 4), f5 = f5 - (OLD.bin IS 5), f6 = f6 - (OLD.bin IS 6), f7 = f7 - (OLD.bin IS 7),
    f8 = f8 - (OLD.bin IS 8), f9 = f9 - (OLD.bin IS 9)
  WHERE akey = OLD.akey AND run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain;
END;

CREATE TRIGGER label_marks_in AFTER INSERT ON label_marks BEGIN
  INSERT INTO label_counts VALUES (NEW.akey, NEW.run_id, NEW.level, NEW.domain, NEW.label_id, 1)
  ON CONFLICT DO UPDATE SET responses = responses + 1;
  INSERT INTO pair_counts
  SELECT NEW.akey, NEW.run_id, NEW.level, NEW.domain, min(NEW.label_id, m.label_id), max(NEW.label_id, m.label_id), 1
    FROM label_marks m WHERE m.akey = NEW.akey AND m.response_id = NEW.response_id AND m.label_id <> NEW.label_id
  ON CONFLICT DO UPDATE SET responses = responses + 1;
END;

CREATE TRIGGER label_marks_out AFTER DELETE ON label_marks BEGIN
  UPDATE label_counts SET responses = responses - 1
   WHERE akey = OLD.akey AND run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain AND label_id = OLD.label_id;
  UPDATE pair_counts SET responses = responses - 1
   WHERE akey = OLD.akey AND run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain
     AND (label_a, label_b) IN (SELECT min(OLD.label_id, m.label_id), max(OLD.label_id, m.label_id)
                                  FROM label_marks m WHERE m.akey = OLD.akey AND m.response_id = OLD.response_id);
END;

-- Layer 1 for an existing workspace (the triggers above fill layer 2 as it goes), then the triggers that keep it.
-- Each trigger recomputes the touched response's rows, for the annotator and for everyone (0), with the same query.
INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
SELECT * FROM (
  SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
         (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
         (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
           WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
         x.step_count,
         (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
         (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
         (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
         (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
    FROM responses x JOIN samples s ON s.id = x.sample_id
    JOIN (SELECT response_id, annotator_id AS akey FROM tags WHERE deleted_at IS NULL
          UNION SELECT response_id, annotator_id FROM verdicts WHERE deleted_at IS NULL
          UNION SELECT response_id, 0 FROM tags WHERE deleted_at IS NULL
          UNION SELECT response_id, 0 FROM verdicts WHERE deleted_at IS NULL) k ON x.id = k.response_id
) WHERE tags > 0 OR yes + no + unclear + done > 0;

INSERT INTO label_marks (akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags)
SELECT * FROM (
  SELECT k.akey, k.label_id, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
         (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = k.label_id) AS tags
    FROM responses x JOIN samples s ON s.id = x.sample_id
    JOIN (SELECT response_id, label_id, annotator_id AS akey FROM tags WHERE deleted_at IS NULL
          UNION SELECT response_id, label_id, 0 FROM tags WHERE deleted_at IS NULL) k ON x.id = k.response_id
) WHERE tags > 0;

CREATE TRIGGER tags_marks_insert AFTER INSERT ON tags BEGIN
  DELETE FROM review_marks WHERE akey IN (NEW.annotator_id, 0) AND response_id = NEW.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
  DELETE FROM label_marks WHERE akey IN (NEW.annotator_id, 0) AND label_id = NEW.label_id AND response_id = NEW.response_id;
  INSERT INTO label_marks (akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags)
  SELECT * FROM (
    SELECT k.akey, NEW.label_id, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = NEW.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0;
END;

CREATE TRIGGER tags_marks_update AFTER UPDATE OF response_id, label_id, annotator_id, step_start, char_start, deleted_at ON tags BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
  DELETE FROM label_marks WHERE akey IN (OLD.annotator_id, 0) AND label_id = OLD.label_id AND response_id = OLD.response_id;
  INSERT INTO label_marks (akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags)
  SELECT * FROM (
    SELECT k.akey, OLD.label_id, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = OLD.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0;
  DELETE FROM review_marks WHERE akey IN (NEW.annotator_id, 0) AND response_id = NEW.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
  DELETE FROM label_marks WHERE akey IN (NEW.annotator_id, 0) AND label_id = NEW.label_id AND response_id = NEW.response_id;
  INSERT INTO label_marks (akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags)
  SELECT * FROM (
    SELECT k.akey, NEW.label_id, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = NEW.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0;
END;

CREATE TRIGGER tags_marks_delete AFTER DELETE ON tags BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
  DELETE FROM label_marks WHERE akey IN (OLD.annotator_id, 0) AND label_id = OLD.label_id AND response_id = OLD.response_id;
  INSERT INTO label_marks (akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags)
  SELECT * FROM (
    SELECT k.akey, OLD.label_id, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = OLD.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0;
END;

CREATE TRIGGER verdicts_marks_insert AFTER INSERT ON verdicts BEGIN
  DELETE FROM review_marks WHERE akey IN (NEW.annotator_id, 0) AND response_id = NEW.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
END;

CREATE TRIGGER verdicts_marks_update AFTER UPDATE OF response_id, annotator_id, supports, review_status, deleted_at ON verdicts BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
  DELETE FROM review_marks WHERE akey IN (NEW.annotator_id, 0) AND response_id = NEW.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
END;

CREATE TRIGGER verdicts_marks_delete AFTER DELETE ON verdicts BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
END;

