// The API service: every method of the contract in shared/api.ts, against one workspace. The desktop app (IPC), browser
// mode (HTTP) and tests all reach it through dispatch(), which validates inputs and wraps errors; the methods here take
// parsed input and throw CotscopeError with a code for anything the user should hear about.
import type { ApiHandlers, ParsedInput, Session } from '../../shared/api.ts';
import { Annotators, CurrentAnnotator } from './annotator.ts';
import { Adjudication } from './adjudication.ts';
import { Agreement } from './agreement.ts';
import { Annotations } from './annotations.ts';
import { Compare } from './compare.ts';
import { Dashboards } from './dashboard.ts';
import { Datasets } from './datasets.ts';
import { CotscopeError } from './errors.ts';
import { ExportJobs } from './export-jobs.ts';
import { ImportJobs } from './jobs.ts';
import { importPack } from './pack.ts';
import { ResponseDetails } from './response-detail.ts';
import { ResponseList } from './response-list.ts';
import { Runs } from './runs.ts';
import { Settings } from './settings.ts';
import type { Store } from './store.ts';
import { Taxonomy } from './taxonomy.ts';
import { VERSION } from './version.ts';

export interface Service extends ApiHandlers {
  /** For the media protocol/route: the file behind a media id, and the data root it must stay inside. null if unknown id or no root. */
  mediaFile(id: number): { path: string; root: string } | null;
}

export interface ServiceOptions {
  /** The annotator when the workspace has none set yet (default: the OS user name, else `analyst`). */
  annotator?: string;
}

/** The service and the parts tests reach into (the list planner for EXPLAIN QUERY PLAN, jobs to await). */
export interface ServiceInternals {
  list: ResponseList;
  jobs: ImportJobs;
  exports: ExportJobs;
  annotator: CurrentAnnotator;
}

const internals = new WeakMap<Service, ServiceInternals>();

export function serviceInternals(service: Service): ServiceInternals {
  const found = internals.get(service);
  if (!found) throw new Error('not a service made by createService');
  return found;
}

/**
 * How long a save waits for the workspace's write lock when another process holds it (a run import from the command
 * line holds it for the whole import). Short, because the service answers the window on this thread: a save that
 * cannot get the lock in time is answered `busy`, saves nothing, and the app sends it again.
 */
export const SAVE_WAIT_MS = 2000;

export function createService(store: Store, opts: ServiceOptions = {}): Service {
  const { db } = store;
  db.pragma(`busy_timeout = ${SAVE_WAIT_MS}`);
  const settings = new Settings(db);
  const annotator = new CurrentAnnotator(db, settings, opts.annotator);
  const annotators = new Annotators(db);
  const annotations = new Annotations(db, annotator);
  const list = new ResponseList(db);
  const details = new ResponseDetails(db);
  const taxonomy = new Taxonomy(db);
  const runs = new Runs(db);
  const datasets = new Datasets(db, settings);
  const jobs = new ImportJobs(store);
  const exports = new ExportJobs(store, () => ({ id: annotator.id(), name: annotator.name() }));
  const agreement = new Agreement(db);
  const adjudication = new Adjudication(db, annotator);
  const compare = new Compare(db);
  const dashboards = new Dashboards(db, list);

  /**
   * While an import runs, its connection holds the workspace's write lock until it commits. A write here would wait
   * for it (blocking this thread, which also serves the window) and then fail; refuse it at once instead.
   */
  const writable = () => {
    const job = jobs.busy();
    if (job) {
      throw new CotscopeError(
        `an import is running (${job.kind}, ${job.file ?? ''}); changes can be saved once it finishes or is cancelled`,
        'conflict',
      );
    }
  };

  const session = (): Session => ({
    workspace: store.file,
    annotator: annotator.name(),
    version: VERSION,
    canUndo: annotations.canUndo(),
    canRedo: annotations.canRedo(),
  });

  const service: Service = {
    getSession: () => session(),
    setAnnotator: ({ name }) => {
      writable();
      annotator.setName(name);
      return session();
    },
    listAnnotators: () => annotators.list(),

    listResponses: ({ filter, sort, order, offset, limit }) => {
      const me = annotator.id();
      const page = list.page(list.build(filter, sort, order, me), offset, limit, me);
      return { total: page.total, offset, rows: page.rows };
    },
    locateResponse: ({ id, filter, sort, order }) => list.locate(list.build(filter, sort, order, annotator.id()), id),
    getResponse: ({ id }) => details.get(id, annotator.id()),

    createTag: (input) => {
      writable();
      return annotations.createTag(input);
    },
    updateTag: (input) => {
      writable();
      return annotations.updateTag(input);
    },
    deleteTag: ({ uuid }) => {
      writable();
      return annotations.deleteTag(uuid);
    },
    decideSuggestion: ({ uuid, decision }) => {
      writable();
      return annotations.decideSuggestion(uuid, decision);
    },
    setVerdict: (input) => {
      writable();
      return annotations.setVerdict(input);
    },
    undo: () => {
      writable();
      return annotations.undo();
    },
    redo: () => {
      writable();
      return annotations.redo();
    },

    listLabels: ({ includeRetired }) => taxonomy.list(includeRetired),
    saveLabel: (input) => {
      writable();
      return taxonomy.save(input);
    },
    retireLabel: ({ key, retired }) => {
      writable();
      return taxonomy.retire(key, retired);
    },

    listRuns: () => runs.list(),
    setRunSettings: ({ name, settings: s }) => {
      writable();
      return runs.setSettings(name, s);
    },

    listDatasets: () => datasets.list(),
    remapDataRoot: async ({ datasetId, root }) => {
      writable();
      // Checking the files takes a while and lets other calls in; an import may have started meanwhile.
      return datasets.remap(datasetId, root, writable);
    },
    setFrameMapping: ({ datasetId, mapping }) => {
      writable();
      return datasets.setFrameMapping(datasetId, mapping);
    },

    compareMatrix: (input) => compare.matrix(input),
    listCompareQuestions: ({ filter, offset, limit }) => compare.questions(filter, offset, limit),
    getDashboard: (filter) => dashboards.get(filter),

    // teammates (issue 5)
    getAgreement: ({ annotators: only }) => agreement.compute(only),
    listDisagreements: (input) => adjudication.list(input),
    getAdjudication: ({ responseId, annotators: only }) => adjudication.get(responseId, only),
    adjudicateTag: (input) => {
      writable();
      return adjudication.decideTag(input);
    },
    adjudicateVerdict: (input) => {
      writable();
      return adjudication.decideVerdict(input);
    },
    importPack: ({ path }) => {
      writable();
      return importPack(db, path);
    },

    startImport: (input: ParsedInput<'startImport'>) => jobs.start(input),
    getImport: ({ id }) => jobs.get(id),
    cancelImport: ({ id }) => jobs.cancel(id),

    // Exports only read (their own connection), so they run beside imports and edits.
    startExport: (input) => exports.start(input),
    getExport: ({ id }) => exports.get(id),
    cancelExport: ({ id }) => exports.cancel(id),

    mediaFile: (id) => datasets.mediaFile(id),
  };
  internals.set(service, { list, jobs, exports, annotator });
  return service;
}
