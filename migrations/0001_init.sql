-- cotscope workspace schema, version 1. Append-only: never edit after release; add 0002_… instead.
-- Character offsets are UTF-16 code units into responses.raw (what JavaScript's String.slice uses).
-- Times are ISO-8601 UTC text. Booleans are 0/1 integers.

-- A data root: the folder holding annotations/, videos/, images/. Media paths are stored relative to it, so a moved
-- data root is fixed by updating one row.
CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  root        TEXT,                      -- absolute path; NULL when benchmark files were imported without one
  created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX datasets_root ON datasets(root) WHERE root IS NOT NULL;

-- One benchmark question. (level, sample_id) identifies it; sample_id is kept as text so 115 equals "115".
CREATE TABLE samples (
  id                         INTEGER PRIMARY KEY,
  dataset_id                 INTEGER NOT NULL REFERENCES datasets(id),
  level                      TEXT NOT NULL CHECK (level IN ('L1', 'L2', 'L3', 'train')),
  sample_id                  TEXT NOT NULL,
  split                      TEXT NOT NULL CHECK (split IN ('validation', 'training')),
  video_source               TEXT,
  video_id                   TEXT,
  video_basename             TEXT,
  current_observation_basename TEXT,
  task_goal                  TEXT,
  question                   TEXT,
  choice_a                   TEXT,
  choice_b                   TEXT,
  choice_c                   TEXT,
  choice_d                   TEXT,
  golden                     TEXT CHECK (golden IN ('A', 'B', 'C', 'D')),
  answer                     TEXT,
  negative_answers           TEXT,        -- JSON array (training records)
  current_observation_frame  INTEGER,
  task_progress              TEXT NOT NULL DEFAULT '[]', -- JSON array of {narration_text,start_frame,stop_frame}
  domain                     TEXT,        -- L3
  scenario                   TEXT,        -- L3
  task_start_frame           INTEGER,     -- L3
  source_file                TEXT NOT NULL,
  source_line                INTEGER NOT NULL,
  raw                        TEXT NOT NULL, -- the record exactly as read
  imported_at                TEXT NOT NULL,
  UNIQUE (level, sample_id)
);
CREATE INDEX samples_sample_id ON samples(sample_id);
CREATE INDEX samples_dataset ON samples(dataset_id);

-- The video and the observation image of a sample, relative to its dataset's root.
CREATE TABLE media (
  id          INTEGER PRIMARY KEY,
  sample_id   INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('video', 'image')),
  rel_path    TEXT NOT NULL,             -- videos/<video_source>/<video_basename>
  expected    INTEGER NOT NULL,          -- 0: the record says there is none (empty task progress → no video)
  present     INTEGER NOT NULL,          -- the file existed when last checked
  bytes       INTEGER,
  checked_at  TEXT NOT NULL,
  UNIQUE (sample_id, kind)
);
CREATE INDEX media_missing ON media(present, expected);

-- A model (or checkpoint) whose outputs are audited.
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  method      TEXT NOT NULL CHECK (method IN ('rl', 'sft', 'base', 'other')),
  notes       TEXT,
  settings    TEXT NOT NULL DEFAULT '{}', -- JSON: e.g. frame sampling (fps, min/max frames)
  created_at  TEXT NOT NULL
);

-- Every file imported: benchmark files and run files. A run may be built from several files.
CREATE TABLE imports (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('benchmark', 'run', 'pack', 'tags')),
  run_id       INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  path         TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  bytes        INTEGER NOT NULL,
  format       TEXT NOT NULL,            -- seed-bench-r1-jsonl, egoplan-json, infer-py, grpo-care, generic
  level        TEXT,
  imported     INTEGER NOT NULL DEFAULT 0,
  skipped      INTEGER NOT NULL DEFAULT 0,
  options      TEXT NOT NULL DEFAULT '{}',
  imported_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX imports_run_file ON imports(run_id, sha256) WHERE kind = 'run';

-- Lines an import skipped, and why.
CREATE TABLE import_skips (
  import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  line        INTEGER NOT NULL,
  field       TEXT,
  reason      TEXT NOT NULL
);
CREATE INDEX import_skips_import ON import_skips(import_id, line);

-- One model output for one sample. Several outputs for the same sample in a run are rollouts 0, 1, …
CREATE TABLE responses (
  id                  INTEGER PRIMARY KEY,
  run_id              INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  sample_id           INTEGER NOT NULL REFERENCES samples(id),
  import_id           INTEGER NOT NULL REFERENCES imports(id),
  source_line         INTEGER NOT NULL,
  rollout             INTEGER NOT NULL,
  raw                 TEXT NOT NULL,
  think_start         INTEGER,           -- think = raw.slice(think_start, think_end); NULL when there is none
  think_end           INTEGER,
  answer_text         TEXT,              -- content of the first <answer>…</answer>, untrimmed; NULL when none
  prediction          TEXT CHECK (prediction IN ('A', 'B', 'C', 'D')),
  correct             INTEGER NOT NULL,
  format_ok           INTEGER NOT NULL,
  file_reward         REAL,
  file_correct        INTEGER,           -- the file's own verdict: its `correct`, else reward >= 0.5
  score_disagreement  INTEGER NOT NULL,  -- file_correct is known and differs from correct
  steps               TEXT NOT NULL,     -- JSON [[start, end], …], one pair per step in order (see the steps view)
  step_count          INTEGER NOT NULL,
  -- sample first: the same index serves "every run's responses to this question" (compare) and the rollout lookup
  UNIQUE (sample_id, run_id, rollout)
);
CREATE INDEX responses_run_outcome ON responses(run_id, correct, format_ok, score_disagreement);

-- The chain of thought split into steps: raw.slice(start, end) is exactly the step. Stored as one compact JSON
-- column on responses (writing a row per step would double the cost of an import); this view gives it as rows.
CREATE VIEW steps AS
  SELECT x.id AS response_id, CAST(j.key AS INTEGER) AS idx, j.value ->> 0 AS start, j.value ->> 1 AS end
    FROM responses x, json_each(x.steps) j;

-- Full-text search over the chains (external content: the text lives once, in responses.raw).
CREATE VIRTUAL TABLE responses_fts USING fts5(
  raw,
  content = 'responses',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

-- The failure taxonomy. key is stable and used in files; retired labels keep their tags.
CREATE TABLE labels (
  id           INTEGER PRIMARY KEY,
  key          TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  color        TEXT NOT NULL,
  hotkey       TEXT,
  target       TEXT NOT NULL CHECK (target IN ('span', 'time', 'response')),
  sort_order   INTEGER NOT NULL DEFAULT 0,
  retired_at   TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX labels_hotkey ON labels(hotkey) WHERE hotkey IS NOT NULL AND retired_at IS NULL;

CREATE TABLE annotators (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'judge', 'auto')),
  created_at  TEXT NOT NULL
);

-- An annotation on a response. Deleting sets deleted_at (a tombstone) so merges can carry deletions.
CREATE TABLE tags (
  id            INTEGER PRIMARY KEY,
  uuid          TEXT NOT NULL UNIQUE,
  response_id   INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  label_id      INTEGER NOT NULL REFERENCES labels(id),
  annotator_id  INTEGER NOT NULL REFERENCES annotators(id),
  step_start    INTEGER,                 -- first and last tagged step index (inclusive), or NULL
  step_end      INTEGER,
  char_start    INTEGER,                 -- tagged span in raw, or NULL
  char_end      INTEGER,
  time_start    REAL,                    -- video in/out in seconds, or NULL
  time_end      REAL,
  note          TEXT,
  severity      TEXT CHECK (severity IN ('minor', 'major', 'critical')),
  origin        TEXT NOT NULL DEFAULT 'human' CHECK (origin IN ('human', 'suggestion', 'import', 'adjudication')),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  deleted_at    TEXT,
  CHECK (step_start IS NULL OR (step_end IS NOT NULL AND step_end >= step_start)),
  CHECK (char_start IS NULL OR (char_end IS NOT NULL AND char_end >= char_start)),
  CHECK (time_start IS NULL OR (time_end IS NOT NULL AND time_end >= time_start))
);
CREATE INDEX tags_response ON tags(response_id) WHERE deleted_at IS NULL;
CREATE INDEX tags_label ON tags(label_id, response_id) WHERE deleted_at IS NULL;
CREATE INDEX tags_annotator ON tags(annotator_id);

-- Response-level judgment per annotator: does the reasoning support the answer, and review status.
CREATE TABLE verdicts (
  id             INTEGER PRIMARY KEY,
  uuid           TEXT NOT NULL UNIQUE,
  response_id    INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  annotator_id   INTEGER NOT NULL REFERENCES annotators(id),
  supports       TEXT CHECK (supports IN ('yes', 'no', 'unclear')),
  review_status  TEXT NOT NULL DEFAULT 'todo' CHECK (review_status IN ('todo', 'done', 'skipped')),
  note           TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  deleted_at     TEXT,
  UNIQUE (response_id, annotator_id)
);
CREATE INDEX verdicts_annotator ON verdicts(annotator_id, review_status);

-- Tags the auto-checks propose; the analyst accepts (making a tag) or rejects them. Precision comes from these.
CREATE TABLE suggestions (
  id           INTEGER PRIMARY KEY,
  response_id  INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  label_id     INTEGER NOT NULL REFERENCES labels(id),
  rule         TEXT NOT NULL,
  step_start   INTEGER,
  step_end     INTEGER,
  char_start   INTEGER,
  char_end     INTEGER,
  evidence     TEXT,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
  decided_by   INTEGER REFERENCES annotators(id),
  decided_at   TEXT,
  tag_id       INTEGER REFERENCES tags(id),
  created_at   TEXT NOT NULL,
  UNIQUE (response_id, rule, label_id, char_start)
);
CREATE INDEX suggestions_state ON suggestions(state, rule);

-- An adjudicator's decision on a tag where annotators disagreed; the original tag is never changed.
CREATE TABLE adjudications (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT NOT NULL UNIQUE,
  tag_id          INTEGER NOT NULL REFERENCES tags(id),
  adjudicator_id  INTEGER NOT NULL REFERENCES annotators(id),
  decision        TEXT NOT NULL CHECK (decision IN ('keep', 'edit', 'drop')),
  result_tag_id   INTEGER REFERENCES tags(id),
  note            TEXT,
  created_at      TEXT NOT NULL
);
CREATE INDEX adjudications_tag ON adjudications(tag_id);

-- Undo/redo: every annotation action with the row before and after (JSON). undone = 1 once undone.
CREATE TABLE history (
  id            INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  annotator_id  INTEGER REFERENCES annotators(id),
  action        TEXT NOT NULL,           -- e.g. tag.create, tag.update, tag.delete, verdict.set
  entity        TEXT NOT NULL CHECK (entity IN ('tag', 'verdict', 'label', 'suggestion')),
  entity_uuid   TEXT NOT NULL,
  before        TEXT,
  after         TEXT,
  undone        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX history_annotator ON history(annotator_id, id);

-- Workspace settings (JSON values): current annotator, frame mapping assumptions, recent filters.
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
