-- cotscope workspace schema, version 4: counts kept for the compare matrix and the dashboards.
--
-- Responses never change after import, yet every compare matrix and accuracy chart needs, per run and question, how
-- many responses there are and how many are correct. Counted from `responses` that is a walk over every response
-- (at 1M responses, 100 ms and more); kept here it is a few thousand rows. Triggers keep it exact whatever writes
-- responses (the importer, tests, a future rescoring), in the writer's own transaction. No foreign keys: this table
-- is derived, and checking parents on every imported row would cost the import for nothing.
CREATE TABLE run_samples (
  run_id     INTEGER NOT NULL,
  sample_id  INTEGER NOT NULL,            -- samples.id
  responses  INTEGER NOT NULL,
  correct    INTEGER NOT NULL,
  a          INTEGER NOT NULL,            -- responses predicting A, B, C, D, and none readable
  b          INTEGER NOT NULL,
  c          INTEGER NOT NULL,
  d          INTEGER NOT NULL,
  none       INTEGER NOT NULL,
  PRIMARY KEY (run_id, sample_id)
) WITHOUT ROWID;

INSERT INTO run_samples (run_id, sample_id, responses, correct, a, b, c, d, none)
  SELECT run_id, sample_id, COUNT(*), SUM(correct), SUM(prediction IS 'A'), SUM(prediction IS 'B'), SUM(prediction IS 'C'),
         SUM(prediction IS 'D'), SUM(prediction IS NULL)
    FROM responses GROUP BY run_id, sample_id;

CREATE TRIGGER run_samples_add AFTER INSERT ON responses BEGIN
  INSERT INTO run_samples (run_id, sample_id, responses, correct, a, b, c, d, none)
  VALUES (NEW.run_id, NEW.sample_id, 1, NEW.correct, NEW.prediction IS 'A', NEW.prediction IS 'B', NEW.prediction IS 'C',
          NEW.prediction IS 'D', NEW.prediction IS NULL)
  ON CONFLICT (run_id, sample_id) DO UPDATE SET
    responses = responses + 1, correct = correct + excluded.correct, a = a + excluded.a, b = b + excluded.b,
    c = c + excluded.c, d = d + excluded.d, none = none + excluded.none;
END;

CREATE TRIGGER run_samples_remove AFTER DELETE ON responses BEGIN
  UPDATE run_samples SET
    responses = responses - 1, correct = correct - OLD.correct, a = a - (OLD.prediction IS 'A'),
    b = b - (OLD.prediction IS 'B'), c = c - (OLD.prediction IS 'C'), d = d - (OLD.prediction IS 'D'),
    none = none - (OLD.prediction IS NULL)
  WHERE run_id = OLD.run_id AND sample_id = OLD.sample_id;
  DELETE FROM run_samples WHERE run_id = OLD.run_id AND sample_id = OLD.sample_id AND responses = 0;
END;

CREATE TRIGGER run_samples_change AFTER UPDATE OF run_id, sample_id, correct, prediction ON responses BEGIN
  UPDATE run_samples SET
    responses = responses - 1, correct = correct - OLD.correct, a = a - (OLD.prediction IS 'A'),
    b = b - (OLD.prediction IS 'B'), c = c - (OLD.prediction IS 'C'), d = d - (OLD.prediction IS 'D'),
    none = none - (OLD.prediction IS NULL)
  WHERE run_id = OLD.run_id AND sample_id = OLD.sample_id;
  DELETE FROM run_samples WHERE run_id = OLD.run_id AND sample_id = OLD.sample_id AND responses = 0;
  INSERT INTO run_samples (run_id, sample_id, responses, correct, a, b, c, d, none)
  VALUES (NEW.run_id, NEW.sample_id, 1, NEW.correct, NEW.prediction IS 'A', NEW.prediction IS 'B', NEW.prediction IS 'C',
          NEW.prediction IS 'D', NEW.prediction IS NULL)
  ON CONFLICT (run_id, sample_id) DO UPDATE SET
    responses = responses + 1, correct = correct + excluded.correct, a = a + excluded.a, b = b + excluded.b,
    c = c + excluded.c, d = d + excluded.d, none = none + excluded.none;
END;
