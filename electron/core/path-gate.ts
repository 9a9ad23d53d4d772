// The shell's gate on every API method that names a path: the page's path is checked against the shell's PathAccess
// (dialog grants, or allowed folders) and replaced by the path to use before the workspace's service sees it; an
// upload reference is replaced by its staged file; in browser mode an export is written to the staging folder and
// offered as a download. The service trusts what reaches it, so nothing may reach it around this gate: the workspace
// switcher, the one door of every shell, sends every call through it.
import type { ExportJob, ImportJob, PackReport, ParsedInput } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import type { PathAccess, PathUse } from './path-access.ts';
import { isUploadRef, type Staging } from './staging.ts';

/** The service's methods that take a path. */
export const PATH_METHODS = ['startImport', 'importPack', 'remapDataRoot', 'startExport'] as const;
export type PathMethod = (typeof PATH_METHODS)[number];

export function isPathMethod(name: string): name is PathMethod {
  return (PATH_METHODS as readonly string[]).includes(name);
}

export interface PathGate {
  /** The input to send to the service instead of the page's; throws CotscopeError (`forbidden`, `not_found`). */
  input<M extends PathMethod>(method: M, input: ParsedInput<M>): ParsedInput<M>;
  /** The service's answer as the page sees it: browser mode's staged paths hidden, downloads offered, uploads freed. */
  output(method: string, input: unknown, value: unknown): unknown;
  /** An error message as the page sees it: browser mode's staged paths shown as the uploaded file's name. */
  message(text: string): string;
  /** After the service answered (or failed): an upload merged at once (a pack) is removed. */
  settle(method: string, input: unknown): void;
  /** The path to open or create a workspace at (recent workspaces need no grant). */
  workspace(p: string, create: boolean): string;
}

export interface PathGateOptions {
  access: PathAccess;
  /** Browser mode's uploads and downloads; null in the desktop app. */
  staging: Staging | null;
  /** Recent workspaces: opened before through this gate (or by the owner at start), so they may be opened again. */
  recent: () => string[];
}

export function createPathGate({ access, staging, recent }: PathGateOptions): PathGate {
  /** Import job id → the uploads it reads, freed when the job ends. */
  const jobUploads = new Map<string, string[]>();

  /** A file to read: an upload of this server, or a path the shell allows. */
  const readable = (p: string, field: string): string => {
    if (isUploadRef(p)) {
      if (!staging) throw new CotscopeError(`field \`${field}\`: uploads exist only in browser mode`, 'forbidden');
      return staging.uploadFile(p, field);
    }
    return access.check(p, 'read-file', field);
  };

  function input<M extends PathMethod>(method: M, given: ParsedInput<M>): ParsedInput<M> {
    switch (method) {
      case 'startImport': {
        const i = given as ParsedInput<'startImport'>;
        const paths = i.paths.map((p, n) => readable(p, `paths.${n}`));
        if (i.kind === 'benchmark' && i.dataRoot !== undefined) {
          return { ...i, paths, dataRoot: access.check(i.dataRoot, 'read-folder', 'dataRoot') } as ParsedInput<M>;
        }
        return { ...i, paths } as ParsedInput<M>;
      }
      case 'importPack': {
        const i = given as ParsedInput<'importPack'>;
        return { ...i, path: readable(i.path, 'path') } as ParsedInput<M>;
      }
      case 'remapDataRoot': {
        const i = given as ParsedInput<'remapDataRoot'>;
        return { ...i, root: access.check(i.root, 'read-folder', 'root') } as ParsedInput<M>;
      }
      case 'startExport': {
        const i = given as ParsedInput<'startExport'>;
        if (staging) {
          if (i.out !== undefined) {
            throw new CotscopeError('field `out`: browser mode writes no files where the page says: the export is downloaded by the browser', 'forbidden');
          }
          return { ...i, out: staging.exportTarget(i.format), replace: false } as ParsedInput<M>;
        }
        if (i.out === undefined) throw new CotscopeError('field `out`: choose where to save the export (Choose…)', 'invalid');
        const use: PathUse = i.format === 'hf' ? 'write-folder' : 'write-file';
        // The save dialog asked before replacing a file; a grant is spent by the export it was made for.
        return { ...i, out: access.check(i.out, use, 'out'), replace: true } as ParsedInput<M>;
      }
    }
    throw new CotscopeError(`${method as string}: not a method that takes a path`, 'internal');
  }

  const hide = (text: string | null): string | null => (text !== null && staging ? staging.unstage(text) : text);

  function importView(job: ImportJob): ImportJob {
    if (job.state !== 'running') {
      for (const ref of jobUploads.get(job.id) ?? []) staging?.release(ref);
      jobUploads.delete(job.id);
    }
    if (!staging) return job;
    return {
      ...job,
      file: hide(job.file),
      message: hide(job.message),
      skipped: job.skipped.map((s) => ({ ...s, file: staging.unstage(s.file) })),
    };
  }

  function exportView(job: ExportJob): ExportJob {
    if (!staging || !staging.isExportTarget(job.out)) return job;
    const shown = job.out.split(/[\\/]/).pop() ?? job.out;
    const view: ExportJob = {
      ...job,
      out: shown,
      meta: job.meta === null ? null : `${shown}.meta.json`,
      message: job.message === null ? null : job.message.split(job.out).join(shown),
    };
    if (job.state === 'done') view.download = staging.offer(job.id, job.out, job.meta, job.format === 'hf');
    return view;
  }

  return {
    input,
    output(method, given, value) {
      if (method === 'startImport' || method === 'getImport' || method === 'cancelImport') {
        const job = value as ImportJob;
        if (method === 'startImport' && staging) {
          const refs = (given as ParsedInput<'startImport'>).paths.filter(isUploadRef);
          if (refs.length) jobUploads.set(job.id, refs);
        }
        return importView(job);
      }
      if (method === 'startExport' || method === 'getExport' || method === 'cancelExport') return exportView(value as ExportJob);
      if (method === 'importPack' && staging) {
        const report = value as PackReport;
        const lines = report.skipped.lines.map((l) => ({ ...l, file: staging.unstage(l.file) }));
        return { ...report, file: staging.unstage(report.file), skipped: { ...report.skipped, lines } };
      }
      return value;
    },
    message: (text) => hide(text) ?? text,
    settle(method, given) {
      if (method !== 'importPack' || !staging) return;
      const ref = (given as ParsedInput<'importPack'>).path;
      if (isUploadRef(ref)) staging.release(ref);
    },
    workspace(p, create) {
      if (!create) {
        const known = recent();
        // A recent workspace was opened before: by the owner at start, or through this gate.
        if (known.includes(p)) return p;
      }
      return access.check(p, create ? 'create-workspace' : 'open-workspace', 'path');
    },
  };
}
