// The one API contract: method name → input schema (zod) and output type. The Electron IPC handler, the HTTP handler
// of browser mode and the renderer's client are all generated from this map; nobody writes a method name twice.
// Pure TypeScript: no Node or Electron imports.
import { z } from 'zod';

// ---------- shared pieces ----------

export const LevelSchema = z.enum(['L1', 'L2', 'L3', 'train']);
export const MethodSchema = z.enum(['rl', 'sft', 'base', 'other']);
export const LetterSchema = z.enum(['A', 'B', 'C', 'D']);
export const SupportsSchema = z.enum(['yes', 'no', 'unclear']);
export const ReviewStatusSchema = z.enum(['todo', 'done', 'skipped']);
export const SeveritySchema = z.enum(['minor', 'major', 'critical']);
export const LabelTargetSchema = z.enum(['span', 'time', 'response']);

const id = z.number().int().positive();
const range = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).refine(([a, b]) => b >= a, {
  message: 'end must not be before start',
});
const timeRange = z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([a, b]) => b >= a, {
  message: 'out time must not be before in time',
});
const labelKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a label key is lowercase letters, digits and dashes');

export type Level = z.infer<typeof LevelSchema>;
export type Method = z.infer<typeof MethodSchema>;
export type Letter = z.infer<typeof LetterSchema>;
export type Supports = z.infer<typeof SupportsSchema>;
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;
export type Severity = z.infer<typeof SeveritySchema>;
export type LabelTarget = z.infer<typeof LabelTargetSchema>;

// ---------- the response list ----------

/** Every field narrows the list (AND). A list (levels, runs, methods, labels) matches any of its values; an empty list does not filter. */
export const ResponseFilterSchema = z.object({
  levels: z.array(LevelSchema).optional(),
  runs: z.array(z.string()).optional(),
  methods: z.array(MethodSchema).optional(),
  correct: z.boolean().optional(),
  formatOk: z.boolean().optional(),
  disagreement: z.boolean().optional(),
  /** Responses carrying any of these labels (by key). */
  labels: z.array(labelKey).optional(),
  /** The current annotator's verdict; 'none' = no verdict yet (or one that leaves `supports` unset). */
  verdict: z.enum(['yes', 'no', 'unclear', 'none']).optional(),
  review: ReviewStatusSchema.optional(),
  /** Responses this annotator tagged or gave a verdict. */
  annotator: z.string().optional(),
  /** Responses with an automatic check's suggestion nobody has decided yet. */
  undecided: z.boolean().optional(),
  /**
   * Full-text search in the chains. Words are ANDed and matched as words (`can't`, `C.` are plain text, never syntax);
   * "a phrase" in double quotes, `prefix*`, and upper-case OR / NOT between two terms work as in FTS5. Input with
   * nothing searchable in it (only punctuation or quotes) does not filter.
   */
  text: z.string().max(500).optional(),
  /** One question's responses in every run and rollout: the sample id exactly (115 and "115" alike). */
  sampleId: z.string().optional(),
  /** L3 domains (samples.domain). */
  domains: z.array(z.string()).optional(),
  /**
   * Whose work counts for `labels`, `allLabels`, `consensus`, `reviewed` and `firstStep`: these annotators' live tags
   * and verdicts (default everyone). The dashboards' drill-downs set it from their annotator filter.
   */
  by: z.array(z.string()).optional(),
  /** Responses carrying every one of these labels (`labels` is any of them). */
  allLabels: z.array(labelKey).optional(),
  /** Consistency by the verdicts of `by`: no if any says no, yes if all that judged say yes, unclear otherwise, unjudged if none. */
  consensus: z.enum(['yes', 'no', 'unclear', 'unjudged']).optional(),
  /** Reviewed by `by`: a verdict with a judgment, a tag, or review status done. false = not reviewed by any of them. */
  reviewed: z.boolean().optional(),
  /** The first tagged step (by `by`) starts in [from, to) of the chain's relative position 0..1 (to = 1 includes 1). */
  firstStep: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional(),
});
export type ResponseFilter = z.infer<typeof ResponseFilterSchema>;

export const ResponseSortSchema = z.enum(['sample', 'run', 'level', 'correct', 'steps', 'tags']);

export const ListResponsesInput = z.object({
  filter: ResponseFilterSchema.default({}),
  sort: ResponseSortSchema.default('sample'),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(500).default(100),
});

export interface ResponseRow {
  id: number;
  sampleId: string;
  level: Level;
  run: string;
  method: Method;
  rollout: number;
  prediction: Letter | null;
  golden: Letter | null;
  correct: boolean;
  formatOk: boolean;
  disagreement: boolean;
  stepCount: number;
  tagCount: number;
  /** The current annotator's verdict and review status. */
  supports: Supports | null;
  reviewStatus: ReviewStatus;
  taskGoal: string | null;
}

export interface ResponsePage {
  total: number;
  offset: number;
  rows: ResponseRow[];
}

// ---------- one response ----------

export interface Narration {
  narration_text: string;
  start_frame: number;
  stop_frame: number;
}

export interface MediaInfo {
  id: number;
  kind: 'video' | 'image';
  relPath: string;
  /** false when the record says there is none (empty task progress → no video). */
  expected: boolean;
  present: boolean;
}

export interface SampleDetail {
  id: number;
  level: Level;
  sampleId: string;
  videoSource: string | null;
  videoId: string | null;
  taskGoal: string | null;
  question: string | null;
  options: { A: string | null; B: string | null; C: string | null; D: string | null };
  golden: Letter | null;
  answer: string | null;
  currentObservationFrame: number | null;
  taskProgress: Narration[];
  domain: string | null;
  scenario: string | null;
  taskStartFrame: number | null;
  datasetId: number;
}

export interface Tag {
  uuid: string;
  responseId: number;
  label: string;
  annotator: string;
  steps: [number, number] | null;
  span: [number, number] | null;
  time: [number, number] | null;
  note: string | null;
  severity: Severity | null;
  origin: 'human' | 'suggestion' | 'import' | 'adjudication';
  createdAt: string;
  updatedAt: string;
  /** An automatic check's suggestion (origin 'suggestion', annotator `auto:<check>`): what proposed it and its fate. */
  suggestion?: SuggestionInfo;
}

export interface SuggestionInfo {
  check: string;
  version: number;
  /** In [0, 1]. */
  confidence: number;
  /** One line a reviewer reads. */
  evidence: string;
  /** null while nobody has decided. */
  decision: 'accepted' | 'rejected' | null;
  decidedBy: string | null;
  /** Accepted: the UUID of the decider's own tag made from it. */
  resultTag: string | null;
}

export interface Verdict {
  uuid: string;
  responseId: number;
  annotator: string;
  supports: Supports | null;
  reviewStatus: ReviewStatus;
  note: string | null;
  updatedAt: string;
}

export interface ResponseDetail {
  id: number;
  run: { id: number; name: string; method: Method; settings: RunSettings };
  rollout: number;
  raw: string;
  thinkStart: number | null;
  thinkEnd: number | null;
  answerText: string | null;
  prediction: Letter | null;
  correct: boolean;
  formatOk: boolean;
  fileReward: number | null;
  fileCorrect: boolean | null;
  disagreement: boolean;
  steps: { index: number; start: number; end: number }[];
  sample: SampleDetail;
  video: MediaInfo | null;
  image: MediaInfo | null;
  /** Live (not deleted) tags by every annotator. */
  tags: Tag[];
  /** Every annotator's verdict; the current annotator's is `mine`. */
  verdicts: Verdict[];
  mine: Verdict | null;
}

// ---------- taxonomy, runs, workspace ----------

export interface Label {
  key: string;
  name: string;
  description: string;
  color: string;
  hotkey: string | null;
  target: LabelTarget;
  sortOrder: number;
  retired: boolean;
  tagCount: number;
}

export const SaveLabelInput = z.object({
  key: labelKey,
  name: z.string().min(1).max(80),
  description: z.string().max(500).default(''),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb'),
  hotkey: z.string().regex(/^[a-z0-9]$/, 'a hotkey is one lowercase letter or digit').nullable().default(null),
  target: LabelTargetSchema,
  sortOrder: z.number().int().optional(),
});

/** How the model saw the video: Qwen2-VL style sampling by default (2 fps, 4–16 frames). */
export const RunSettingsSchema = z.object({
  sampleFps: z.number().positive().max(60).default(2),
  minFrames: z.number().int().positive().default(4),
  maxFrames: z.number().int().positive().default(16),
});
export type RunSettings = z.infer<typeof RunSettingsSchema>;

export interface RunSummary {
  id: number;
  name: string;
  method: Method;
  responses: number;
  levels: Level[];
  settings: RunSettings;
}

/** How a sample's original-video frame numbers map to clip time: t = (frame - start) / fps. */
export const FrameMappingSchema = z.object({
  fps: z.number().positive().max(240).default(30),
  /** Where clip time 0 is: the first narrated step's start frame, or the record's task_start_frame (L3). */
  start: z.enum(['first-narration', 'task-start']).default('first-narration'),
});
export type FrameMapping = z.infer<typeof FrameMappingSchema>;

export interface DatasetSummary {
  id: number;
  name: string;
  root: string | null;
  samples: number;
  missingVideos: number;
  missingImages: number;
  frameMapping: FrameMapping;
}

/** Someone (or something) who tagged or judged in this workspace, with their live tags and non-deleted verdicts. */
export interface AnnotatorSummary {
  name: string;
  kind: 'human' | 'judge' | 'auto';
  tags: number;
  verdicts: number;
}

export interface Session {
  workspace: string;
  annotator: string;
  version: string;
  canUndo: boolean;
  canRedo: boolean;
}

/** A workspace opened before, most recent first; `exists` is false once the file is gone (moved, deleted). */
export interface RecentWorkspace {
  path: string;
  openedAt: string;
  exists: boolean;
}

export interface WorkspaceList {
  /** The open workspace (absolute path). */
  current: string;
  recent: RecentWorkspace[];
}

export interface UndoResult {
  /** The response the undone/redone action touched, so the UI can show it. */
  responseId: number | null;
  action: string | null;
  canUndo: boolean;
  canRedo: boolean;
}

export interface ImportJob {
  id: string;
  kind: 'benchmark' | 'run';
  state: 'running' | 'done' | 'failed' | 'cancelled';
  file: string | null;
  bytesRead: number;
  bytesTotal: number;
  records: number;
  imported: number;
  skippedCount: number;
  skipped: { file: string; line: number; field: string | null; reason: string }[];
  message: string | null;
}

/**
 * A path from the page: on the machine that runs cotscope, and only one the shell allows (a path its own dialog
 * returned, in the desktop app; a path inside a folder the server's owner allowed, in browser mode), or
 * `upload:<id>`, a file uploaded to browser mode's server (POST /upload).
 */
const pathInput = z.string().min(1).max(4096);

export const StartImportInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('benchmark'),
    paths: z.array(pathInput).min(1),
    dataRoot: pathInput.optional(),
    level: z.enum(['L1', 'L2', 'L3']).optional(),
    strict: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('run'),
    paths: z.array(pathInput).min(1),
    name: z.string().min(1).max(120),
    method: MethodSchema,
    level: z.enum(['L1', 'L2', 'L3']).optional(),
    idField: z.string().min(1).optional(),
    responseField: z.string().min(1).optional(),
    strict: z.boolean().default(false),
  }),
]);

// ---------- compare (issue 4) ----------

/** The four outcomes of a pair of runs on one question; a run is right on a question when ≥ half its responses are correct. */
export const OutcomeSchema = z.enum(['both_right', 'only_a', 'only_b', 'both_wrong']);
export type Outcome = z.infer<typeof OutcomeSchema>;
export type OutcomeCounts = Record<Outcome, number>;

/** `levels` holds each level present plus `all`, over the questions both runs answered (≥ 1 response each). */
export interface CompareMatrix {
  pair: [string, string];
  levels: Record<string, OutcomeCounts>;
}

export const CompareMatrixInput = z.object({
  runs: z.tuple([z.string().min(1), z.string().min(1)]),
  levels: z.array(LevelSchema).optional(),
  /** L3 domains (samples.domain); empty does not filter. */
  domains: z.array(z.string()).optional(),
});

/** Which questions the compare view walks through. Every field narrows (AND). */
export const CompareFilterSchema = z.object({
  /** Two or more run names; the first two are the pair A, B of `outcome`. */
  runs: z.array(z.string().min(1)).min(2).max(8),
  levels: z.array(LevelSchema).optional(),
  domains: z.array(z.string()).optional(),
  /** A matrix cell: the pair's outcome on the question (`level` of the cell is `levels`). */
  outcome: OutcomeSchema.optional(),
  /**
   * Right answer, flawed reasoning: some run has a correct response that carries a tag, or whose verdict (any
   * annotator) says the reasoning does not support the answer.
   */
  rightFlawed: z.boolean().optional(),
  /** The runs disagree: their majority predictions differ (or one is right and another wrong). */
  disagree: z.boolean().optional(),
  /** A label present on some response of `run` and on no response of the other chosen runs. */
  labelOnly: z.object({ label: labelKey, run: z.string().min(1) }).optional(),
});
export type CompareFilter = z.infer<typeof CompareFilterSchema>;

export interface CompareRunCell {
  run: string;
  method: Method;
  /** This run's responses to the question, by rollout. */
  responseIds: number[];
  predictions: (Letter | null)[];
  correct: number;
  /** ≥ half of the responses correct (false when the run has none). */
  right: boolean;
  /** Live tags on these responses, by label key. */
  labels: Record<string, number>;
}

export interface CompareQuestion {
  /** samples.id */
  sampleKey: number;
  sampleId: string;
  level: Level;
  taskGoal: string | null;
  golden: Letter | null;
  /** In the order of the filter's runs. */
  runs: CompareRunCell[];
  /** The pair's outcome, null when either of the first two runs has no response to it. */
  outcome: Outcome | null;
}

export interface CompareQuestionPage {
  total: number;
  offset: number;
  rows: CompareQuestion[];
}

// ---------- dashboards (issue 4) ----------

/** Filters every chart shares. Empty lists do not filter. */
export const DashboardFilterSchema = z.object({
  levels: z.array(LevelSchema).optional(),
  runs: z.array(z.string()).optional(),
  /** Whose tags and verdicts count (reviewed, labels, consistency, progress); default everyone. */
  annotators: z.array(z.string()).optional(),
  /** Which labels the failure-mode charts show; default all live labels. */
  labels: z.array(labelKey).optional(),
  /** L3 domains. */
  domains: z.array(z.string()).optional(),
});
export type DashboardFilter = z.infer<typeof DashboardFilterSchema>;

/** A 95% Wilson score interval, as fractions. */
export type Interval = [number, number];

export interface AccuracyCell {
  run: string;
  method: Method;
  level: Level | 'all';
  responses: number;
  correct: number;
  accuracy: number;
  ci: Interval;
  /** The library filter that lists exactly the responses counted here. */
  drill: ResponseFilter;
}

export interface FailureRateCell {
  run: string;
  level: Level | 'all';
  label: string;
  /** Responses reviewed by the chosen annotators (a verdict, a tag, or review status done). */
  reviewed: number;
  /** Of those, responses carrying the label (by the chosen annotators). */
  count: number;
  rate: number;
  ci: Interval;
  drill: ResponseFilter;
}

export type Consistency = 'yes' | 'no' | 'unclear' | 'unjudged';

export interface QuadrantCell {
  run: string;
  correct: boolean;
  /** Reasoning supports the answer, by the chosen annotators' verdicts: no if any says no, yes if all say yes. */
  supports: Consistency;
  count: number;
  drill: ResponseFilter;
}

export interface CooccurrenceCell {
  a: string;
  b: string;
  /** Responses carrying both labels (a = b: carrying the label). */
  count: number;
  drill: ResponseFilter;
}

export interface FirstStepBin {
  run: string;
  /** Relative position of the first tagged step in the chain, [from, to) of 0..1 (the last bin includes 1). */
  from: number;
  to: number;
  count: number;
  drill: ResponseFilter;
}

export interface ProgressCell {
  annotator: string;
  run: string;
  reviewed: number;
  responses: number;
  /** The library filter that lists exactly the responses counted in `reviewed`. */
  drill: ResponseFilter;
}

export interface Dashboard {
  accuracy: AccuracyCell[];
  failureRates: FailureRateCell[];
  quadrant: QuadrantCell[];
  cooccurrence: { labels: string[]; cells: CooccurrenceCell[] };
  firstStep: FirstStepBin[];
  progress: { cells: ProgressCell[]; /** A sentence when reviews are unbalanced across runs, else null. */ imbalance: string | null };
  /** What the filter pickers offer. */
  available: { runs: string[]; levels: Level[]; annotators: string[]; labels: string[]; domains: string[] };
}

// ---------- teammates (issue 5) ----------

/** One pair of annotators over the responses both reviewed. κ and α are null where undefined. */
export interface AgreementPair {
  annotators: [string, string];
  responses: number;
  /** Cohen's κ per label key (present / absent), over the labels either annotator used on these responses. */
  kappa: Record<string, number | null>;
  /** Cohen's κ on the verdicts (yes / no / unclear), over the responses both judged. */
  verdict_kappa: number | null;
  /** Krippendorff's α (nominal): one unit per (response, label), valued present / absent. */
  alpha: number | null;
  verdict_responses: number;
  /** Cohen's κ over every step of the responses where both tagged steps (tagged / not tagged). */
  step_kappa: number | null;
  step_responses: number;
  /** Mean IoU of the time ranges per (response, label) where both marked one. */
  time_iou: number | null;
  time_pairs: number;
}

export interface AgreementReport {
  pairs: AgreementPair[];
}

/** What a merge did to one kind of row: new live rows, rows changed to a newer version, live rows tombstoned by the
 * pack, rows already as new (or newer), and deletions of rows this workspace never had (kept so later merges know). */
export interface MergeCounts {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
  tombstones: number;
}

export interface PackReport {
  file: string;
  version: number;
  /** Annotators whose work the pack carries. */
  annotators: string[];
  tags: MergeCounts;
  verdicts: MergeCounts;
  adjudications: MergeCounts;
  labelsAdded: string[];
  annotatorsAdded: string[];
  /** Rows refused because the same UUID belongs to another annotator (or response) here. */
  conflicts: number;
  /** Responses the pack annotates that this workspace lacks, as `run level sample_id #rollout`. */
  unmatched: { count: number; first: string[] };
  skipped: { count: number; lines: { file: string; line: number; field: string | null; reason: string }[] };
}

/** A response where the raters disagree: a label one has and another lacks, or different verdicts. */
export interface Disagreement {
  responseId: number;
  run: string;
  level: Level;
  sampleId: string;
  rollout: number;
  raters: string[];
  labels: string[];
  verdicts: boolean;
  /** The current annotator's decisions on the raters' tags, and how many tags there are to decide. */
  decided: number;
  toDecide: number;
  resolved: boolean;
}

export interface DisagreementPage {
  total: number;
  resolved: number;
  offset: number;
  rows: Disagreement[];
}

export type AdjudicationDecisionKind = 'keep' | 'edit' | 'drop';

export interface AdjudicationDecision {
  uuid: string;
  decision: AdjudicationDecisionKind;
  /** The adjudicator's tag (origin 'adjudication') that keep and edit make; null for drop. */
  result: Tag | null;
  note: string | null;
  createdAt: string;
}

export interface AdjudicationCase {
  responseId: number;
  adjudicator: string;
  raters: string[];
  /** Every rater's live tags (never changed by adjudication), each with the adjudicator's latest decision. */
  tags: { tag: Tag; decision: AdjudicationDecision | null }[];
  verdicts: Verdict[];
  verdictsDiffer: boolean;
  /** The adjudicator's verdict for the response (beside the raters' own, which stay as they are). */
  verdict: { supports: Supports | null; updatedAt: string } | null;
  resolved: boolean;
}

const adjudicationEdit = z.object({
  label: labelKey.optional(),
  steps: range.nullable().optional(),
  span: range.nullable().optional(),
  time: timeRange.nullable().optional(),
  note: z.string().max(4000).nullable().optional(),
  severity: SeveritySchema.nullable().optional(),
});

// ---------- exports (issue 5) ----------

export const ExportFormatSchema = z.enum(['jsonl', 'csv', 'parquet', 'hf', 'prm', 'pairs']);
export type ExportFormatName = z.infer<typeof ExportFormatSchema>;

export const StartExportInput = z.object({
  format: ExportFormatSchema,
  /**
   * Desktop: a path the save dialog returned for this export (chooseSavePath; hf: a new or empty folder). Browser
   * mode takes none: the export is written to the server's own staging folder and offered as a download.
   */
  out: pathInput.optional(),
  /** Whether an existing file may be replaced. Set by the shell (the save dialog asked the user); what the page sends is ignored. */
  replace: z.boolean().default(false),
  /** The library's filter: the export holds exactly the responses the library lists. */
  filter: ResponseFilterSchema.default({}),
  /** hf: the dataset card's licence. */
  license: z.string().min(1).max(80).optional(),
  /** Which tags the export writes: people's and judges' (`human`, the default), the checks' suggestions, or all. */
  origin: z.enum(['human', 'suggestion', 'all']).default('human'),
});

/** An export running on the service, for its progress bar and Cancel. */
export interface ExportJob {
  id: string;
  format: ExportFormatName;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** The destination (absolute). */
  out: string;
  /** Responses written so far, of `total` (the filter's count). */
  done: number;
  total: number;
  /** When done: lines, rows (csv: one per tag) or pairs written. */
  rows: number;
  /** When done: the `<out>.meta.json` sidecar holding filter and version (jsonl, csv, prm, pairs), else null. */
  meta: string | null;
  message: string | null;
  /** Browser mode, when done: where to download the export (a dataset folder comes as a .zip) and its sidecar. */
  download: ExportDownload | null;
}

export interface ExportDownload {
  /** The file name the browser saves it under. */
  name: string;
  /** Relative to the page (download/<key>): the key is the capability, valid while the server runs, for an hour. */
  url: string;
  /** The filter-and-version sidecar, when the format has one. */
  meta: { name: string; url: string } | null;
}

/** What the shell lets the page do with files. */
export interface ShellInfo {
  /** desktop: paths come from the system's dialogs; browser: uploads, downloads, and paths inside `folders`. */
  kind: 'desktop' | 'browser';
  /** Browser mode: the folders on the serving machine that paths may name (symlinks resolved); empty = none. */
  folders: string[];
  /** Browser mode: the largest upload accepted, in bytes; null in the desktop app. */
  maxUploadBytes: number | null;
}

/** What a path chosen in a dialog is for: it may be used for that and nothing else. */
export const PathPurposeSchema = z.enum(['import', 'pack', 'workspace', 'data-root']);
export type PathPurpose = z.infer<typeof PathPurposeSchema>;

// ---------- the contract ----------

const none = z.object({}).default({});
const out = <T>() => undefined as unknown as T;

export const api = {
  getSession: { input: none, output: out<Session>() },
  setAnnotator: {
    input: z.object({
      name: z
        .string()
        .trim()
        .min(1)
        .max(80)
        .refine((n) => !n.startsWith('auto:'), 'names starting "auto:" are the automatic checks\' own'),
    }),
    output: out<Session>(),
  },
  /** Every annotator of the workspace, sorted by name (for the library's "Annotated by" filter). */
  listAnnotators: { input: none, output: out<AnnotatorSummary[]>() },

  // Answered by the shell (SHELL_METHODS), not the workspace's service: they choose which workspace that service runs on.
  listWorkspaces: { input: none, output: out<WorkspaceList>() },
  /**
   * Opens another workspace file (a relative path resolves against the shell's working directory), or with `create`
   * makes a new one (its folder must exist). A file that cannot be opened leaves the current workspace open.
   */
  openWorkspace: { input: z.object({ path: pathInput, create: z.boolean().default(false) }), output: out<Session>() },
  /** What the shell lets the page do with files (dialogs, or uploads and allowed folders). */
  getShell: { input: none, output: out<ShellInfo>() },
  /**
   * Answered by the shell: the desktop app's open dialog (files, or a folder for a data root), and the paths it returns
   * may then be used for that purpose in this session; browser mode has no dialog (`native`: false, `paths` null).
   */
  choosePaths: {
    input: z.object({ purpose: PathPurposeSchema, multiple: z.boolean().default(false) }),
    output: out<{ paths: string[] | null; native: boolean }>(),
  },

  listResponses: { input: ListResponsesInput, output: out<ResponsePage>() },
  /** Position of a response in a filtered, sorted list (to keep the list in step with the workbench). */
  locateResponse: {
    input: z.object({ id, filter: ResponseFilterSchema.default({}), sort: ResponseSortSchema.default('sample'), order: z.enum(['asc', 'desc']).default('asc') }),
    output: out<{ index: number | null; total: number }>(),
  },
  getResponse: { input: z.object({ id }), output: out<ResponseDetail>() },

  createTag: {
    input: z
      .object({
        responseId: id,
        label: labelKey,
        steps: range.optional(),
        span: range.optional(),
        time: timeRange.optional(),
        note: z.string().max(4000).optional(),
        severity: SeveritySchema.optional(),
      }),
    output: out<Tag>(),
  },
  updateTag: {
    input: z.object({
      uuid: z.string().uuid(),
      label: labelKey.optional(),
      steps: range.nullable().optional(),
      span: range.nullable().optional(),
      time: timeRange.nullable().optional(),
      note: z.string().max(4000).nullable().optional(),
      severity: SeveritySchema.nullable().optional(),
    }),
    output: out<Tag>(),
  },
  deleteTag: { input: z.object({ uuid: z.string().uuid() }), output: out<{ uuid: string }>() },
  /**
   * Accepts a check's suggestion (it becomes the current annotator's own tag, linked to it) or rejects it (kept as a
   * decision); `undecided` takes the decision back. On the undo stack like any tag change.
   */
  decideSuggestion: {
    input: z.object({ uuid: z.string().uuid(), decision: z.enum(['accepted', 'rejected', 'undecided']) }),
    output: out<{ suggestion: Tag; tag: Tag | null }>(),
  },
  setVerdict: {
    input: z.object({
      responseId: id,
      supports: SupportsSchema.nullable().optional(),
      reviewStatus: ReviewStatusSchema.optional(),
      note: z.string().max(4000).nullable().optional(),
    }),
    output: out<Verdict>(),
  },
  undo: { input: none, output: out<UndoResult>() },
  redo: { input: none, output: out<UndoResult>() },

  listLabels: { input: z.object({ includeRetired: z.boolean().default(true) }).default({ includeRetired: true }), output: out<Label[]>() },
  saveLabel: { input: SaveLabelInput, output: out<Label>() },
  retireLabel: { input: z.object({ key: labelKey, retired: z.boolean() }), output: out<Label>() },

  listRuns: { input: none, output: out<RunSummary[]>() },
  setRunSettings: { input: z.object({ name: z.string().min(1), settings: RunSettingsSchema }), output: out<RunSummary>() },

  listDatasets: { input: none, output: out<DatasetSummary[]>() },
  /** Points a dataset at its data root's new place and re-checks every video and image. */
  remapDataRoot: { input: z.object({ datasetId: id, root: pathInput }), output: out<DatasetSummary>() },
  setFrameMapping: { input: z.object({ datasetId: id, mapping: FrameMappingSchema }), output: out<DatasetSummary>() },

  compareMatrix: { input: CompareMatrixInput, output: out<CompareMatrix>() },
  listCompareQuestions: {
    input: z.object({
      filter: CompareFilterSchema,
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    output: out<CompareQuestionPage>(),
  },
  getDashboard: { input: DashboardFilterSchema.default({}), output: out<Dashboard>() },

  // teammates (issue 5)
  /** Agreement for every pair of annotators (among `annotators`, when given) with responses both reviewed. */
  getAgreement: { input: z.object({ annotators: z.array(z.string()).optional() }).default({}), output: out<AgreementReport>() },
  /** Responses where the raters (among `annotators`, when given) disagree, in run, level, sample order. */
  listDisagreements: {
    input: z.object({
      annotators: z.array(z.string()).optional(),
      state: z.enum(['all', 'open', 'resolved']).default('all'),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(500).default(200),
    }),
    output: out<DisagreementPage>(),
  },
  getAdjudication: { input: z.object({ responseId: id, annotators: z.array(z.string()).optional() }), output: out<AdjudicationCase>() },
  /** The current annotator's decision on a rater's tag: keep it, keep it edited, or drop it. The tag itself is never changed. */
  adjudicateTag: {
    input: z.object({
      tag: z.string().uuid(),
      decision: z.enum(['keep', 'edit', 'drop']),
      edit: adjudicationEdit.optional(),
      note: z.string().max(4000).nullable().optional(),
      annotators: z.array(z.string()).optional(),
    }),
    output: out<AdjudicationCase>(),
  },
  adjudicateVerdict: {
    input: z.object({ responseId: id, supports: SupportsSchema.nullable(), annotators: z.array(z.string()).optional() }),
    output: out<AdjudicationCase>(),
  },
  /** Merges a teammate's pack (a file on the machine running the workspace). */
  importPack: { input: z.object({ path: pathInput }), output: out<PackReport>() },

  startImport: { input: StartImportInput, output: out<ImportJob>() },
  getImport: { input: z.object({ id: z.string().min(1) }), output: out<ImportJob>() },
  cancelImport: { input: z.object({ id: z.string().min(1) }), output: out<ImportJob>() },

  // exports (issue 5)
  startExport: { input: StartExportInput, output: out<ExportJob>() },
  getExport: { input: z.object({ id: z.string().min(1) }), output: out<ExportJob>() },
  /** Stops a running export and removes what it wrote; a finished export is returned as it ended. */
  cancelExport: { input: z.object({ id: z.string().min(1) }), output: out<ExportJob>() },
  /**
   * Answered by the shell: the desktop app asks where to save with the system's save dialog, which confirms replacing
   * a file (`native`: true; `path` null when the user cancels). The path may then be used once, for that purpose: an
   * export (`folder`: a dataset folder) or a new workspace. Browser mode has no such dialog (`native`: false).
   */
  chooseSavePath: {
    input: z.object({
      suggested: z.string().max(4096).default(''),
      folder: z.boolean().default(false),
      purpose: z.enum(['export', 'workspace']).default('export'),
    }),
    output: out<{ path: string | null; native: boolean }>(),
  },
} as const;

export type Api = typeof api;
export type MethodName = keyof Api;
export type Input<M extends MethodName> = z.input<Api[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Api[M]['input']>;
export type Output<M extends MethodName> = Api[M]['output'];

/** What crosses every boundary (IPC, HTTP): a value, or an error with a code and a message naming the method. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: ApiErrorCode; message: string } };
/**
 * `busy`: another connection (another process: a run import from the command line, a second app) holds the
 * workspace's write lock; nothing was saved, and the same call may be sent again (the app retries, and says so).
 */
export type ApiErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unauthorized' | 'forbidden' | 'busy' | 'internal' | 'cancelled';

export const METHOD_NAMES = Object.keys(api) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name);
}

/** Validates an input against its method's schema; the message names the method and the field. */
export function parseInput<M extends MethodName>(method: M, input: unknown): { ok: true; value: ParsedInput<M> } | { ok: false; message: string } {
  const r = api[method].input.safeParse(input ?? {});
  if (r.success) return { ok: true, value: r.data as ParsedInput<M> };
  const issue = r.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : '(input)';
  return { ok: false, message: `${method}: field \`${field}\`: ${issue.message}` };
}

/**
 * Methods that change the workspace. Each is one write transaction: refused as `busy` while another process holds the
 * write lock, with nothing saved, so the app sends it again (in order, after the ones before it).
 */
export const SAVE_METHODS = [
  'setAnnotator',
  'createTag',
  'updateTag',
  'deleteTag',
  'decideSuggestion',
  'setVerdict',
  'undo',
  'redo',
  'saveLabel',
  'retireLabel',
  'setRunSettings',
  'remapDataRoot',
  'setFrameMapping',
  'adjudicateTag',
  'adjudicateVerdict',
  'importPack',
] as const satisfies readonly MethodName[];

export function isSaveMethod(name: string): boolean {
  return (SAVE_METHODS as readonly string[]).includes(name);
}

/** Methods the shell (Electron main, browser mode) answers itself; every other method goes to the workspace's service. */
export const SHELL_METHODS = ['listWorkspaces', 'openWorkspace', 'getShell', 'choosePaths', 'chooseSavePath'] as const satisfies readonly MethodName[];
export type ShellMethodName = (typeof SHELL_METHODS)[number];
export type ServiceMethodName = Exclude<MethodName, ShellMethodName>;

export function isShellMethod(name: string): name is ShellMethodName {
  return (SHELL_METHODS as readonly string[]).includes(name);
}

/** The service every shell calls: one function per method of one workspace. */
export type ApiHandlers = { [M in ServiceMethodName]: (input: ParsedInput<M>) => Output<M> | Promise<Output<M>> };
