-- cotscope workspace schema, version 9: the automatic reasoning checks' suggestions (electron/core/checks/).
--
-- A suggestion is a tag of origin 'suggestion' by the annotator `auto:<check>` (kind 'auto'), so it lives where the
-- workbench, the filters and the exports already look for tags, plus a row here: which check and version proposed it,
-- how sure it is, the line of evidence a reviewer reads, and what a person decided about it (accepted: it became the
-- decider's own tag, result_tag_id; rejected: kept, so precision can be measured and a re-run does not propose it again).
-- run_id and level are copied from the tag's response (they never change) so the checks panel counts per check and
-- run × level along one index.
-- Version 1 reserved a `suggestions` table of another shape that no release ever wrote to; it is kept, renamed, so that
-- nothing a hand-made tool might have put there is lost.
DROP INDEX suggestions_state;
ALTER TABLE suggestions RENAME TO suggestions_v1;

CREATE TABLE suggestions (
  tag_id         INTEGER PRIMARY KEY REFERENCES tags(id) ON DELETE CASCADE,
  response_id    INTEGER NOT NULL,
  run_id         INTEGER NOT NULL,
  level          TEXT NOT NULL,
  check_name     TEXT NOT NULL,
  check_version  INTEGER NOT NULL,
  confidence     REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  evidence       TEXT NOT NULL,
  decision       TEXT CHECK (decision IN ('accepted', 'rejected')),
  decided_by     INTEGER REFERENCES annotators(id),
  decided_at     TEXT,
  result_tag_id  INTEGER REFERENCES tags(id),
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX suggestions_check ON suggestions(check_name, run_id, level, decision);
CREATE INDEX suggestions_response ON suggestions(response_id, check_name);

-- Which checks (and which version) have read which run, and when: a run not listed was never checked by that check,
-- which is not the same as checked and clean (the estimates need to know).
CREATE TABLE check_runs (
  run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  check_name     TEXT NOT NULL,
  check_version  INTEGER NOT NULL,
  responses      INTEGER NOT NULL,
  checked_at     TEXT NOT NULL,
  PRIMARY KEY (run_id, check_name)
) WITHOUT ROWID;

-- A suggestion is nobody's judgment: the dashboards' kept counts (0004) and annotator masks (0007) leave it out. Tags
-- of origin 'suggestion' written before this version (only a hand-made pack could bring one) were counted as anyone's
-- tags; they stay counted, as imports.
UPDATE tags SET origin = 'import' WHERE origin = 'suggestion';

-- An automatic annotator takes no bit of the dashboards' annotator masks (63 of them for people and judges).
DROP TRIGGER annotators_bit;
CREATE TRIGGER annotators_bit AFTER INSERT ON annotators WHEN NEW.kind <> 'auto' BEGIN
  INSERT INTO annotator_bits (annotator_id, bit)
  SELECT NEW.id, (SELECT COUNT(*) FROM annotator_bits) WHERE (SELECT COUNT(*) FROM annotator_bits) < 63;
END;

-- 0004's triggers on tags and verdicts again, with suggestions left out: a suggestion's write runs none of them (the
-- WHEN clause: a check's run on a million responses must not pay the marks' upkeep), and no count reads one.
DROP TRIGGER tags_marks_insert;
CREATE TRIGGER tags_marks_insert AFTER INSERT ON tags WHEN NEW.origin <> 'suggestion' BEGIN
  DELETE FROM review_marks WHERE akey IN (NEW.annotator_id, 0) AND response_id = NEW.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
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
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = NEW.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0;
END;

DROP TRIGGER tags_marks_update;
CREATE TRIGGER tags_marks_update AFTER UPDATE OF response_id, label_id, annotator_id, step_start, char_start, deleted_at ON tags WHEN NEW.origin <> 'suggestion' BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
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
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = OLD.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0;
  DELETE FROM review_marks WHERE akey IN (NEW.annotator_id, 0) AND response_id = NEW.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
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
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = NEW.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0;
END;

DROP TRIGGER tags_marks_delete;
CREATE TRIGGER tags_marks_delete AFTER DELETE ON tags WHEN OLD.origin <> 'suggestion' BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
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
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND t.label_id = OLD.label_id) AS tags
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0;
END;

DROP TRIGGER verdicts_marks_insert;
CREATE TRIGGER verdicts_marks_insert AFTER INSERT ON verdicts BEGIN
  DELETE FROM review_marks WHERE akey IN (NEW.annotator_id, 0) AND response_id = NEW.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
END;

DROP TRIGGER verdicts_marks_update;
CREATE TRIGGER verdicts_marks_update AFTER UPDATE OF response_id, annotator_id, supports, review_status, deleted_at ON verdicts BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
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
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT NEW.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = NEW.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
END;

DROP TRIGGER verdicts_marks_delete;
CREATE TRIGGER verdicts_marks_delete AFTER DELETE ON verdicts BEGIN
  DELETE FROM review_marks WHERE akey IN (OLD.annotator_id, 0) AND response_id = OLD.response_id;
  INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
  SELECT * FROM (
    SELECT k.akey, x.id, x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), x.correct,
           (SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey)) AS tags,
           (SELECT MIN(COALESCE(t.step_start, (SELECT MAX(CAST(j.key AS INTEGER)) FROM json_each(x.steps) j WHERE j.value ->> 0 <= t.char_start), 0)) FROM tags t
             WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion' AND (k.akey = 0 OR t.annotator_id = k.akey) AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL)),
           x.step_count,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'yes') AS yes,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'no') AS no,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.supports = 'unclear') AS unclear,
           (SELECT COUNT(*) FROM verdicts v WHERE v.response_id = x.id AND v.deleted_at IS NULL AND (k.akey = 0 OR v.annotator_id = k.akey) AND v.review_status = 'done') AS done
      FROM responses x JOIN samples s ON s.id = x.sample_id JOIN (SELECT OLD.annotator_id AS akey UNION ALL SELECT 0) k WHERE x.id = OLD.response_id
  ) WHERE tags > 0 OR yes + no + unclear + done > 0;
END;
