-- cotscope workspace schema, version 7: dashboards for any set of annotators from kept counts (annotator bitmasks).
--
-- Migration 0004 keeps counts per annotator and for everyone; a dashboard for several annotators that are not all of
-- them (two humans without the LLM judge) had to group their per-response marks, ~1 s at 1M responses. Here every
-- annotator gets a bit, and each reviewed response keeps, as bitmasks, WHO reviewed it, who said yes / no / unclear,
-- and for each first-step bin k who tagged a first step in a bin <= k; each (response, label) keeps who applied the
-- label. Those are counted per (run, level, domain, …, the masks): distinct masks are few, so the counts are a few
-- rows per (run, level, domain) however many responses there are. For a set S of annotators (a mask):
--   reviewed                     Σ n where rmask & S <> 0
--   consistency                  by ymask & S, nmask & S, umask & S (the rule of consensusOf only asks which are <> 0)
--   first tagged step in bin <= k   Σ n of bin k where mask & S <> 0 (the min bin over S is <= k)
--   a label                      Σ n where lmask & S <> 0; two labels: Σ n where mask_a & S <> 0 and mask_b & S <> 0
-- Everyone is all bits, one annotator one bit.
--
-- Bits 0..62 (SQLite integers are signed 64-bit; 1 << 63 would be negative), assigned once in the order annotators
-- are created and never reused. They live in their own table rather than a column of annotators, so annotators'
-- shape (copied whole by packs' and older migrations' tests) does not change. Annotators past the 63rd get no bit;
-- a set involving them is counted the 0004 way (electron/core/dashboard.ts).
--
-- All of it follows review_marks and label_marks (migration 0004), which already hold one row per (annotator,
-- response) and (annotator, label, response), recomputed by their triggers on every tag and verdict write.
CREATE TABLE annotator_bits (
  annotator_id  INTEGER PRIMARY KEY,      -- annotators.id
  bit           INTEGER NOT NULL UNIQUE CHECK (bit BETWEEN 0 AND 62)
);

-- Per reviewed response (by annotators with a bit): run, level, domain, correctness copied as in review_marks.
-- s0..s9: annotators whose first tagged step falls in bin <= k (so s0 ⊆ s1 ⊆ … ⊆ s9 ⊆ rmask).
CREATE TABLE response_masks (
  response_id  INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL,
  level        TEXT NOT NULL,
  domain       TEXT NOT NULL,
  correct      INTEGER NOT NULL,
  rmask        INTEGER NOT NULL,          -- reviewed
  ymask        INTEGER NOT NULL,          -- verdict: the reasoning supports the answer: yes, no, unclear
  nmask        INTEGER NOT NULL,
  umask        INTEGER NOT NULL,
  s0 INTEGER NOT NULL, s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL, s4 INTEGER NOT NULL,
  s5 INTEGER NOT NULL, s6 INTEGER NOT NULL, s7 INTEGER NOT NULL, s8 INTEGER NOT NULL, s9 INTEGER NOT NULL
);

-- Per (response, label) with a live tag by an annotator with a bit: who applied it.
CREATE TABLE label_masks (
  response_id  INTEGER NOT NULL,
  label_id     INTEGER NOT NULL,
  run_id       INTEGER NOT NULL,
  level        TEXT NOT NULL,
  domain       TEXT NOT NULL,
  lmask        INTEGER NOT NULL,
  PRIMARY KEY (response_id, label_id)
) WITHOUT ROWID;

-- The counts the dashboards read. A count that went back to zero keeps its row (few: masks are few).
CREATE TABLE review_mask_counts (
  run_id INTEGER NOT NULL, level TEXT NOT NULL, domain TEXT NOT NULL, correct INTEGER NOT NULL,
  rmask INTEGER NOT NULL, ymask INTEGER NOT NULL, nmask INTEGER NOT NULL, umask INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (run_id, level, domain, correct, rmask, ymask, nmask, umask)
) WITHOUT ROWID;

-- Responses whose s<bin> is `mask` (only masks <> 0).
CREATE TABLE step_mask_counts (
  run_id INTEGER NOT NULL, level TEXT NOT NULL, domain TEXT NOT NULL, bin INTEGER NOT NULL, mask INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (run_id, level, domain, bin, mask)
) WITHOUT ROWID;

CREATE TABLE label_mask_counts (
  run_id INTEGER NOT NULL, level TEXT NOT NULL, domain TEXT NOT NULL, label_id INTEGER NOT NULL, lmask INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (run_id, level, domain, label_id, lmask)
) WITHOUT ROWID;

-- Responses carrying both labels (label_a < label_b), by who applied each.
CREATE TABLE pair_mask_counts (
  run_id INTEGER NOT NULL, level TEXT NOT NULL, domain TEXT NOT NULL, label_a INTEGER NOT NULL, label_b INTEGER NOT NULL,
  mask_a INTEGER NOT NULL, mask_b INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (run_id, level, domain, label_a, label_b, mask_a, mask_b)
) WITHOUT ROWID;

-- ---------- an existing workspace: bits in creation order, then the masks and their counts in bulk ----------
INSERT INTO annotator_bits (annotator_id, bit)
SELECT id, n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n FROM annotators) WHERE n < 63;

INSERT INTO response_masks
SELECT m.response_id, m.run_id, m.level, m.domain, m.correct,
       SUM(1 << b.bit), SUM((m.yes > 0) << b.bit), SUM((m.no > 0) << b.bit), SUM((m.unclear > 0) << b.bit),
       SUM(ifnull(m.bin <= 0, 0) << b.bit), SUM(ifnull(m.bin <= 1, 0) << b.bit), SUM(ifnull(m.bin <= 2, 0) << b.bit),
       SUM(ifnull(m.bin <= 3, 0) << b.bit), SUM(ifnull(m.bin <= 4, 0) << b.bit), SUM(ifnull(m.bin <= 5, 0) << b.bit),
       SUM(ifnull(m.bin <= 6, 0) << b.bit), SUM(ifnull(m.bin <= 7, 0) << b.bit), SUM(ifnull(m.bin <= 8, 0) << b.bit),
       SUM(ifnull(m.bin <= 9, 0) << b.bit)
  FROM review_marks m JOIN annotator_bits b ON b.annotator_id = m.akey
 WHERE m.akey <> 0
 GROUP BY m.response_id;

INSERT INTO review_mask_counts
SELECT run_id, level, domain, correct, rmask, ymask, nmask, umask, COUNT(*) FROM response_masks
 GROUP BY run_id, level, domain, correct, rmask, ymask, nmask, umask;

INSERT INTO step_mask_counts
SELECT run_id, level, domain, k, mask, COUNT(*) FROM (
  SELECT run_id, level, domain, 0 AS k, s0 AS mask FROM response_masks UNION ALL
  SELECT run_id, level, domain, 1, s1 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 2, s2 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 3, s3 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 4, s4 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 5, s5 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 6, s6 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 7, s7 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 8, s8 FROM response_masks UNION ALL
  SELECT run_id, level, domain, 9, s9 FROM response_masks)
 WHERE mask <> 0
 GROUP BY run_id, level, domain, k, mask;

INSERT INTO label_masks
SELECT m.response_id, m.label_id, m.run_id, m.level, m.domain, SUM(1 << b.bit)
  FROM label_marks m JOIN annotator_bits b ON b.annotator_id = m.akey
 WHERE m.akey <> 0
 GROUP BY m.response_id, m.label_id;

INSERT INTO label_mask_counts
SELECT run_id, level, domain, label_id, lmask, COUNT(*) FROM label_masks GROUP BY run_id, level, domain, label_id, lmask;

INSERT INTO pair_mask_counts
SELECT a.run_id, a.level, a.domain, a.label_id, b.label_id, a.lmask, b.lmask, COUNT(*)
  FROM label_masks a JOIN label_masks b ON b.response_id = a.response_id AND b.label_id > a.label_id
 GROUP BY a.run_id, a.level, a.domain, a.label_id, b.label_id, a.lmask, b.lmask;

-- ---------- kept from here on ----------

-- A new annotator takes the next bit while there is one (bits are never given back, so the next is the count).
CREATE TRIGGER annotators_bit AFTER INSERT ON annotators BEGIN
  INSERT INTO annotator_bits (annotator_id, bit)
  SELECT NEW.id, (SELECT COUNT(*) FROM annotator_bits) WHERE (SELECT COUNT(*) FROM annotator_bits) < 63;
END;

-- review_marks -> response_masks. 0004's triggers delete an annotator's mark and insert it again on every write, so
-- a mark in sets the annotator's bits, a mark out clears them (the row goes when nobody with a bit is left).
CREATE TRIGGER review_marks_mask_in AFTER INSERT ON review_marks WHEN NEW.akey <> 0 BEGIN
  INSERT INTO response_masks
  SELECT NEW.response_id, NEW.run_id, NEW.level, NEW.domain, NEW.correct,
         1 << b.bit, (NEW.yes > 0) << b.bit, (NEW.no > 0) << b.bit, (NEW.unclear > 0) << b.bit,
         ifnull(NEW.bin <= 0, 0) << b.bit, ifnull(NEW.bin <= 1, 0) << b.bit, ifnull(NEW.bin <= 2, 0) << b.bit,
         ifnull(NEW.bin <= 3, 0) << b.bit, ifnull(NEW.bin <= 4, 0) << b.bit, ifnull(NEW.bin <= 5, 0) << b.bit,
         ifnull(NEW.bin <= 6, 0) << b.bit, ifnull(NEW.bin <= 7, 0) << b.bit, ifnull(NEW.bin <= 8, 0) << b.bit,
         ifnull(NEW.bin <= 9, 0) << b.bit
    FROM annotator_bits b WHERE b.annotator_id = NEW.akey
  ON CONFLICT (response_id) DO UPDATE SET
    rmask = rmask | excluded.rmask, ymask = ymask | excluded.ymask, nmask = nmask | excluded.nmask, umask = umask | excluded.umask,
    s0 = s0 | excluded.s0, s1 = s1 | excluded.s1, s2 = s2 | excluded.s2, s3 = s3 | excluded.s3, s4 = s4 | excluded.s4,
    s5 = s5 | excluded.s5, s6 = s6 | excluded.s6, s7 = s7 | excluded.s7, s8 = s8 | excluded.s8, s9 = s9 | excluded.s9;
END;

CREATE TRIGGER review_marks_mask_out AFTER DELETE ON review_marks WHEN OLD.akey <> 0 BEGIN
  DELETE FROM response_masks WHERE response_id = OLD.response_id
     AND rmask = (SELECT 1 << bit FROM annotator_bits WHERE annotator_id = OLD.akey);
  UPDATE response_masks SET
    rmask = rmask & ~b.m, ymask = ymask & ~b.m, nmask = nmask & ~b.m, umask = umask & ~b.m,
    s0 = s0 & ~b.m, s1 = s1 & ~b.m, s2 = s2 & ~b.m, s3 = s3 & ~b.m, s4 = s4 & ~b.m,
    s5 = s5 & ~b.m, s6 = s6 & ~b.m, s7 = s7 & ~b.m, s8 = s8 & ~b.m, s9 = s9 & ~b.m
    FROM (SELECT 1 << bit AS m FROM annotator_bits WHERE annotator_id = OLD.akey) b
   WHERE response_id = OLD.response_id;
END;

-- response_masks -> review_mask_counts and step_mask_counts (a response's run, level, domain never change).
CREATE TRIGGER response_masks_in AFTER INSERT ON response_masks BEGIN
  INSERT INTO review_mask_counts VALUES (NEW.run_id, NEW.level, NEW.domain, NEW.correct, NEW.rmask, NEW.ymask, NEW.nmask, NEW.umask, 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO step_mask_counts
  SELECT NEW.run_id, NEW.level, NEW.domain, k, m, 1 FROM (
    SELECT 0 AS k, NEW.s0 AS m UNION ALL SELECT 1, NEW.s1 UNION ALL SELECT 2, NEW.s2 UNION ALL SELECT 3, NEW.s3 UNION ALL
    SELECT 4, NEW.s4 UNION ALL SELECT 5, NEW.s5 UNION ALL SELECT 6, NEW.s6 UNION ALL SELECT 7, NEW.s7 UNION ALL
    SELECT 8, NEW.s8 UNION ALL SELECT 9, NEW.s9)
   WHERE m <> 0
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER response_masks_out AFTER DELETE ON response_masks BEGIN
  UPDATE review_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain AND correct = OLD.correct
     AND rmask = OLD.rmask AND ymask = OLD.ymask AND nmask = OLD.nmask AND umask = OLD.umask;
  UPDATE step_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain
     AND (bin, mask) IN (
       SELECT 0, OLD.s0 UNION ALL SELECT 1, OLD.s1 UNION ALL SELECT 2, OLD.s2 UNION ALL SELECT 3, OLD.s3 UNION ALL
       SELECT 4, OLD.s4 UNION ALL SELECT 5, OLD.s5 UNION ALL SELECT 6, OLD.s6 UNION ALL SELECT 7, OLD.s7 UNION ALL
       SELECT 8, OLD.s8 UNION ALL SELECT 9, OLD.s9);
END;

CREATE TRIGGER response_masks_change AFTER UPDATE ON response_masks BEGIN
  UPDATE review_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain AND correct = OLD.correct
     AND rmask = OLD.rmask AND ymask = OLD.ymask AND nmask = OLD.nmask AND umask = OLD.umask
     AND (OLD.rmask <> NEW.rmask OR OLD.ymask <> NEW.ymask OR OLD.nmask <> NEW.nmask OR OLD.umask <> NEW.umask);
  INSERT INTO review_mask_counts
  SELECT NEW.run_id, NEW.level, NEW.domain, NEW.correct, NEW.rmask, NEW.ymask, NEW.nmask, NEW.umask, 1
   WHERE OLD.rmask <> NEW.rmask OR OLD.ymask <> NEW.ymask OR OLD.nmask <> NEW.nmask OR OLD.umask <> NEW.umask
  ON CONFLICT DO UPDATE SET n = n + 1;
  UPDATE step_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain
     AND (bin, mask) IN (SELECT k, o FROM (
       SELECT 0 AS k, OLD.s0 AS o, NEW.s0 AS m UNION ALL SELECT 1, OLD.s1, NEW.s1 UNION ALL SELECT 2, OLD.s2, NEW.s2 UNION ALL
       SELECT 3, OLD.s3, NEW.s3 UNION ALL SELECT 4, OLD.s4, NEW.s4 UNION ALL SELECT 5, OLD.s5, NEW.s5 UNION ALL
       SELECT 6, OLD.s6, NEW.s6 UNION ALL SELECT 7, OLD.s7, NEW.s7 UNION ALL SELECT 8, OLD.s8, NEW.s8 UNION ALL
       SELECT 9, OLD.s9, NEW.s9) WHERE o <> m);
  INSERT INTO step_mask_counts
  SELECT NEW.run_id, NEW.level, NEW.domain, k, m, 1 FROM (
    SELECT 0 AS k, OLD.s0 AS o, NEW.s0 AS m UNION ALL SELECT 1, OLD.s1, NEW.s1 UNION ALL SELECT 2, OLD.s2, NEW.s2 UNION ALL
    SELECT 3, OLD.s3, NEW.s3 UNION ALL SELECT 4, OLD.s4, NEW.s4 UNION ALL SELECT 5, OLD.s5, NEW.s5 UNION ALL
    SELECT 6, OLD.s6, NEW.s6 UNION ALL SELECT 7, OLD.s7, NEW.s7 UNION ALL SELECT 8, OLD.s8, NEW.s8 UNION ALL
    SELECT 9, OLD.s9, NEW.s9)
   WHERE m <> o AND m <> 0
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- label_marks -> label_masks, as for review marks.
CREATE TRIGGER label_marks_mask_in AFTER INSERT ON label_marks WHEN NEW.akey <> 0 BEGIN
  INSERT INTO label_masks
  SELECT NEW.response_id, NEW.label_id, NEW.run_id, NEW.level, NEW.domain, 1 << b.bit
    FROM annotator_bits b WHERE b.annotator_id = NEW.akey
  ON CONFLICT (response_id, label_id) DO UPDATE SET lmask = lmask | excluded.lmask;
END;

CREATE TRIGGER label_marks_mask_out AFTER DELETE ON label_marks WHEN OLD.akey <> 0 BEGIN
  DELETE FROM label_masks WHERE response_id = OLD.response_id AND label_id = OLD.label_id
     AND lmask = (SELECT 1 << bit FROM annotator_bits WHERE annotator_id = OLD.akey);
  UPDATE label_masks SET lmask = lmask & ~b.m
    FROM (SELECT 1 << bit AS m FROM annotator_bits WHERE annotator_id = OLD.akey) b
   WHERE response_id = OLD.response_id AND label_id = OLD.label_id;
END;

-- label_masks -> label_mask_counts and pair_mask_counts (the pairs with the response's other labels).
CREATE TRIGGER label_masks_in AFTER INSERT ON label_masks BEGIN
  INSERT INTO label_mask_counts VALUES (NEW.run_id, NEW.level, NEW.domain, NEW.label_id, NEW.lmask, 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO pair_mask_counts
  SELECT NEW.run_id, NEW.level, NEW.domain, min(NEW.label_id, o.label_id), max(NEW.label_id, o.label_id),
         iif(NEW.label_id < o.label_id, NEW.lmask, o.lmask), iif(NEW.label_id < o.label_id, o.lmask, NEW.lmask), 1
    FROM label_masks o WHERE o.response_id = NEW.response_id AND o.label_id <> NEW.label_id
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER label_masks_out AFTER DELETE ON label_masks BEGIN
  UPDATE label_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain AND label_id = OLD.label_id AND lmask = OLD.lmask;
  UPDATE pair_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain
     AND (label_a, label_b, mask_a, mask_b) IN (
       SELECT min(OLD.label_id, o.label_id), max(OLD.label_id, o.label_id),
              iif(OLD.label_id < o.label_id, OLD.lmask, o.lmask), iif(OLD.label_id < o.label_id, o.lmask, OLD.lmask)
         FROM label_masks o WHERE o.response_id = OLD.response_id AND o.label_id <> OLD.label_id);
END;

CREATE TRIGGER label_masks_change AFTER UPDATE OF lmask ON label_masks WHEN OLD.lmask <> NEW.lmask BEGIN
  UPDATE label_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain AND label_id = OLD.label_id AND lmask = OLD.lmask;
  INSERT INTO label_mask_counts VALUES (NEW.run_id, NEW.level, NEW.domain, NEW.label_id, NEW.lmask, 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
  UPDATE pair_mask_counts SET n = n - 1
   WHERE run_id = OLD.run_id AND level = OLD.level AND domain = OLD.domain
     AND (label_a, label_b, mask_a, mask_b) IN (
       SELECT min(OLD.label_id, o.label_id), max(OLD.label_id, o.label_id),
              iif(OLD.label_id < o.label_id, OLD.lmask, o.lmask), iif(OLD.label_id < o.label_id, o.lmask, OLD.lmask)
         FROM label_masks o WHERE o.response_id = OLD.response_id AND o.label_id <> OLD.label_id);
  INSERT INTO pair_mask_counts
  SELECT NEW.run_id, NEW.level, NEW.domain, min(NEW.label_id, o.label_id), max(NEW.label_id, o.label_id),
         iif(NEW.label_id < o.label_id, NEW.lmask, o.lmask), iif(NEW.label_id < o.label_id, o.lmask, NEW.lmask), 1
    FROM label_masks o WHERE o.response_id = NEW.response_id AND o.label_id <> NEW.label_id
  ON CONFLICT DO UPDATE SET n = n + 1;
END;
