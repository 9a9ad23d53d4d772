-- Adjudication (issue 5). The adjudicator's verdict on a response is kept beside the annotators' own verdicts, never in
-- their place: verdicts hold one row per annotator and response, and the adjudicator is often one of the raters.
-- Decisions on tags need no new table: adjudications rows are appended, and the newest per (tag, adjudicator) holds.
CREATE TABLE adjudicated_verdicts (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT NOT NULL UNIQUE,
  response_id     INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  adjudicator_id  INTEGER NOT NULL REFERENCES annotators(id),
  supports        TEXT CHECK (supports IN ('yes', 'no', 'unclear')),
  note            TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  deleted_at      TEXT,
  UNIQUE (response_id, adjudicator_id)
);

-- The newest decision of an adjudicator on a tag (and all their decisions, for the disagreement list).
CREATE INDEX adjudications_adjudicator ON adjudications(adjudicator_id, tag_id, id);
