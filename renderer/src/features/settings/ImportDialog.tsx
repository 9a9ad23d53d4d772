// Import benchmark files or a run's output files. The desktop app reads them where they are, chosen in the system's
// dialog; in a browser they are uploaded to the server (or, where its owner allowed a folder, named by their path
// there). Either way the same import runs on the service, with its progress and skipped-lines report.
import { useState } from 'react';
import type { Input, Method } from '../../../../shared/api.ts';
import { useImports } from '../../stores/imports.ts';
import { insideFolders, useShell } from '../../stores/shell.ts';
import { useUi } from '../../stores/ui.ts';
import { formatBytes, type UploadProgress } from '../../stores/uploads.ts';
import { AllowedFolders, OutsideFolders } from '../../ui/AllowedFolders.tsx';
import { FilePicker, UploadBar, useFileDrop } from '../../ui/FilePicker.tsx';
import { Modal } from '../../ui/Modal.tsx';

type Kind = 'benchmark' | 'run';
type LevelChoice = '' | 'L1' | 'L2' | 'L3';

function Progress() {
  const job = useImports((s) => s.job);
  if (!job) return null;
  const frac = job.bytesTotal > 0 ? Math.min(1, job.bytesRead / job.bytesTotal) : job.state === 'running' ? 0 : 1;
  return (
    <div className="import-progress" data-testid="import-progress" data-state={job.state}>
      <div className="progress">
        <div className={`progress-bar progress-${job.state}`} style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
      <div className="small">
        <strong>{job.state === 'running' ? 'Importing…' : job.state === 'done' ? 'Done' : job.state === 'cancelled' ? 'Cancelled' : 'Failed'}</strong>
        {' · '}
        {(frac * 100).toFixed(0)}% ({formatBytes(job.bytesRead)} of {formatBytes(job.bytesTotal)}) · {job.records.toLocaleString()} records ·{' '}
        {job.imported.toLocaleString()} imported · {job.skippedCount.toLocaleString()} skipped
        {job.file && <div className="muted mono">{job.file}</div>}
      </div>
      {job.message && <div className={job.state === 'failed' ? 'error-text small' : 'small'}>{job.message}</div>}
      {job.state !== 'running' && job.skipped.length > 0 && (
        <div className="skipped" data-testid="import-skipped">
          <div className="field-label">
            Skipped lines{job.skippedCount > job.skipped.length ? ` (first ${job.skipped.length} of ${job.skippedCount.toLocaleString()})` : ''}
          </div>
          <ul className="mono small">
            {job.skipped.map((s, i) => (
              <li key={i}>
                {s.file}:{s.line}: {s.field ? `${s.field}: ` : ''}
                {s.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The chosen files (paths, or picked files with their upload), each removable; read-only otherwise. */
function ChosenFiles({
  items,
  onRemove,
  disabled,
}: {
  items: { key: string; name: string; detail?: string; upload?: UploadProgress }[];
  onRemove: (i: number) => void;
  disabled: boolean;
}) {
  if (items.length === 0) return null;
  return (
    <ul className="chosen-files" data-testid="import-files">
      {items.map((it, i) => (
        <li key={it.key} className="chosen-file" data-testid="import-file">
          <span className="mono chosen-name" title={it.name}>
            {it.name}
          </span>
          {it.detail && <span className="muted small nowrap">{it.detail}</span>}
          {it.upload && <UploadBar upload={it.upload} testId="import-upload-progress" />}
          <button type="button" className="btn-icon" aria-label={`Remove ${it.name}`} disabled={disabled} onClick={() => onRemove(i)} data-testid="import-file-remove">
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

const fileKey = (f: File) => `${f.name}/${f.size}/${f.lastModified}`;

const lines = (text: string) =>
  text
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);

export function ImportDialog() {
  const shell = useShell((s) => s.info);
  const job = useImports((s) => s.job);
  const starting = useImports((s) => s.starting);
  const uploading = useImports((s) => s.uploading);
  const uploads = useImports((s) => s.uploads);
  const running = job?.state === 'running';
  const busy = running || uploading || starting;
  const browser = shell?.kind === 'browser';
  const folders = shell?.folders ?? [];
  const [kind, setKind] = useState<Kind>('run');
  /** Desktop: paths the open dialog returned. */
  const [chosen, setChosen] = useState<string[]>([]);
  /** Browser: files picked or dropped, uploaded when the import starts. */
  const [files, setFiles] = useState<File[]>([]);
  /** Browser: paths typed, inside the allowed folders. */
  const [typed, setTyped] = useState('');
  const [dataRoot, setDataRoot] = useState('');
  const [name, setName] = useState('');
  const [method, setMethod] = useState<Method>('rl');
  const [level, setLevel] = useState<LevelChoice>('');
  const [idField, setIdField] = useState('');
  const [responseField, setResponseField] = useState('');
  const [strict, setStrict] = useState(false);

  const typedPaths = browser && folders.length > 0 ? lines(typed) : [];
  const outside = typedPaths.filter((p) => !insideFolders(p, folders));
  const count = browser ? files.length + typedPaths.length : chosen.length;
  const ready = !!shell && count > 0 && (kind === 'benchmark' || name.trim().length > 0);

  const changeFiles = (next: File[]) => {
    // The last uploads' bars belong to the list they were made for.
    useImports.getState().forgetUploads();
    setFiles(next);
  };
  const addFiles = (more: File[]) => {
    // The same file picked twice is imported once.
    const known = new Set(files.map(fileKey));
    changeFiles([...files, ...more.filter((f) => !known.has(fileKey(f)))]);
  };
  const drop = useFileDrop(addFiles, browser && !busy);

  const chooseFiles = async () => {
    const paths = await useShell.getState().choosePaths('import', true);
    if (paths) setChosen([...chosen, ...paths.filter((p) => !chosen.includes(p))]);
  };
  const chooseDataRoot = async () => {
    const paths = await useShell.getState().choosePaths('data-root');
    if (paths?.[0]) setDataRoot(paths[0]);
  };

  const start = () => {
    if (!ready || busy) return;
    const paths = browser ? typedPaths : chosen;
    const root = dataRoot.trim();
    const useRoot = root !== '' && (!browser || folders.length > 0);
    let input: Input<'startImport'>;
    if (kind === 'benchmark') {
      input = { kind, paths, strict, ...(useRoot ? { dataRoot: root } : {}), ...(level ? { level } : {}) };
    } else {
      input = {
        kind,
        paths,
        name: name.trim(),
        method,
        strict,
        ...(level ? { level } : {}),
        ...(idField.trim() ? { idField: idField.trim() } : {}),
        ...(responseField.trim() ? { responseField: responseField.trim() } : {}),
      };
    }
    void useImports.getState().startWithFiles(input, browser ? files : []);
  };

  // Uploads, like the import after them, go on when the dialog closes (Cancel stops them); it shows them when it opens
  // again.
  const close = () => {
    useUi.getState().setImportDialog(false);
    useImports.getState().clear();
  };
  const picked =
    files.length > 0 || !uploads
      ? files.map((f, i) => ({ key: fileKey(f), name: f.name, detail: formatBytes(f.size), upload: uploads?.[i] }))
      : uploads.map((u, i) => ({ key: `${i}/${u.name}`, name: u.name, detail: formatBytes(u.bytes), upload: u }));

  return (
    <Modal title="Import" onClose={close} testId="import-dialog" wide>
      <form
        className="import-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
        {...drop.handlers}
      >
        <div className="segmented" role="radiogroup" aria-label="What to import">
          <button type="button" className={`seg${kind === 'benchmark' ? ' on' : ''}`} aria-pressed={kind === 'benchmark'} onClick={() => setKind('benchmark')} data-testid="import-kind-benchmark">
            Benchmark questions
          </button>
          <button type="button" className={`seg${kind === 'run' ? ' on' : ''}`} aria-pressed={kind === 'run'} onClick={() => setKind('run')} data-testid="import-kind-run">
            Model outputs (a run)
          </button>
        </div>

        <div className="field">
          <span className="field-label">{kind === 'benchmark' ? 'Annotation files (JSONL or JSON)' : 'Output files (JSONL or JSON)'}</span>
          {!shell ? (
            <span className="muted small">…</span>
          ) : browser ? (
            <>
              <div className={`drop-zone${drop.over ? ' is-over' : ''}`}>
                <FilePicker multiple accept=".jsonl,.json,application/json" label="Choose files…" onFiles={addFiles} disabled={busy} testId="import-upload">
                  <span className="muted small">
                    or drop them here. They are uploaded to the server when the import starts
                    {shell.maxUploadBytes !== null ? ` (at most ${formatBytes(shell.maxUploadBytes)} at once)` : ''}.
                  </span>
                </FilePicker>
                <ChosenFiles items={picked} onRemove={(i) => changeFiles(files.filter((_, j) => j !== i))} disabled={busy || files.length === 0} />
              </div>
              {folders.length > 0 ? (
                <div className="field">
                  <label className="field-label" htmlFor="import-paths">
                    Or files already on the server, one path per line
                  </label>
                  <textarea
                    id="import-paths"
                    className="input mono"
                    rows={2}
                    value={typed}
                    spellCheck={false}
                    onChange={(e) => setTyped(e.target.value)}
                    placeholder={`${folders[0]}/${kind === 'benchmark' ? 'validation_L1.jsonl' : 'eval_results_for_validation_L1.jsonl'}`}
                    data-testid="import-paths"
                  />
                  <AllowedFolders folders={folders} what="files" testId="import-folders" />
                  {outside.map((p) => (
                    <OutsideFolders key={p} path={p} testId="import-path-outside" />
                  ))}
                </div>
              ) : (
                <AllowedFolders folders={folders} what="file" testId="import-folders" />
              )}
            </>
          ) : (
            <>
              <ChosenFiles items={chosen.map((p) => ({ key: p, name: p }))} onRemove={(i) => setChosen(chosen.filter((_, j) => j !== i))} disabled={busy} />
              <div className="file-picker">
                <button type="button" className="btn" disabled={busy} onClick={() => void chooseFiles()} data-testid="import-choose">
                  Choose files…
                </button>
                {chosen.length === 0 && <span className="muted small">Read where they are; nothing is copied.</span>}
              </div>
            </>
          )}
        </div>

        {kind === 'benchmark' ? (
          <div className="field-row">
            <DataRootField browser={browser} folders={folders} value={dataRoot} onChange={setDataRoot} onChoose={() => void chooseDataRoot()} disabled={busy || !shell} />
            <LevelField level={level} onChange={setLevel} />
          </div>
        ) : (
          <>
            <div className="field-row">
              <label className="field grow">
                <span className="field-label">Run name (files under one name build one run)</span>
                <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="qwen2vl-grpo" data-testid="import-run-name" />
              </label>
              <label className="field">
                <span className="field-label">Method</span>
                <select className="select" value={method} onChange={(e) => setMethod(e.target.value as Method)} data-testid="import-method">
                  <option value="rl">RL</option>
                  <option value="sft">SFT</option>
                  <option value="base">base</option>
                  <option value="other">other</option>
                </select>
              </label>
              <LevelField level={level} onChange={setLevel} />
            </div>
            <div className="field-row">
              <label className="field grow">
                <span className="field-label">Sample id field (default sample_id)</span>
                <input className="input mono" value={idField} onChange={(e) => setIdField(e.target.value)} placeholder="sample_id" data-testid="import-id-field" />
              </label>
              <label className="field grow">
                <span className="field-label">Response field (default response, else output)</span>
                <input className="input mono" value={responseField} onChange={(e) => setResponseField(e.target.value)} placeholder="response" data-testid="import-response-field" />
              </label>
            </div>
          </>
        )}
        <label className="check">
          <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.target.checked)} />
          <span className="check-text">Strict: import nothing if any line would be skipped</span>
        </label>
        <div className="dialog-actions">
          {uploading ? (
            <button type="button" className="btn btn-danger" onClick={() => useImports.getState().cancelUploads()} data-testid="import-cancel-upload">
              Cancel upload
            </button>
          ) : running ? (
            <button type="button" className="btn btn-danger" onClick={() => void useImports.getState().cancel()} data-testid="import-cancel">
              Cancel import
            </button>
          ) : (
            <button type="submit" className="btn btn-primary" disabled={!ready || starting} data-testid="import-start">
              {starting ? 'Starting…' : 'Start import'}
            </button>
          )}
          <button type="button" className="btn" onClick={close} disabled={running}>
            Close
          </button>
        </div>
        <Progress />
      </form>
    </Modal>
  );
}

/**
 * Where the benchmark's videos/ and images/ are, a folder on the machine that runs cotscope: chosen in the desktop
 * app's dialog, typed inside an allowed folder in a browser. Optional: Settings → Datasets can set it later.
 */
function DataRootField({
  browser,
  folders,
  value,
  onChange,
  onChoose,
  disabled,
}: {
  browser: boolean;
  folders: readonly string[];
  value: string;
  onChange: (v: string) => void;
  onChoose: () => void;
  disabled: boolean;
}) {
  const label = <span className="field-label">Data root (holds videos/ and images/), optional</span>;
  if (!browser) {
    return (
      <div className="field grow">
        {label}
        <div className="inline-form nowrap-form">
          <input className="input mono root-input" readOnly value={value} placeholder="none: set it later in Settings → Datasets" aria-label="Data root" data-testid="import-dataroot" />
          <button type="button" className="btn" disabled={disabled} onClick={onChoose} data-testid="import-choose-dataroot">
            Choose folder…
          </button>
          {value && (
            <button type="button" className="btn-icon" aria-label="No data root" disabled={disabled} onClick={() => onChange('')}>
              ×
            </button>
          )}
        </div>
      </div>
    );
  }
  if (folders.length === 0) {
    return (
      <div className="field grow">
        {label}
        <div className="muted small" data-testid="import-dataroot-none">
          The data root is a folder on the server, and this server allows none: the questions import without their videos and images
          (its owner can start it with <span className="mono">--allow-dir DIR</span>).
        </div>
      </div>
    );
  }
  const outside = value.trim() !== '' && !insideFolders(value, folders);
  return (
    <div className="field grow">
      <label className="field-label" htmlFor="import-dataroot">
        Data root (holds videos/ and images/), optional
      </label>
      <input
        id="import-dataroot"
        className="input mono"
        value={value}
        spellCheck={false}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        placeholder={`${folders[0]}/SEED-Bench-R1`}
        data-testid="import-dataroot"
      />
      <AllowedFolders folders={folders} what="a folder" testId="import-dataroot-folders" />
      {outside && <OutsideFolders path={value.trim()} testId="import-dataroot-outside" />}
    </div>
  );
}

/** The level every record of the imported files gets, or "from file name". */
function LevelField({ level, onChange }: { level: LevelChoice; onChange: (l: LevelChoice) => void }) {
  return (
    <label className="field">
      <span className="field-label">Level</span>
      <select className="select" value={level} onChange={(e) => onChange(e.target.value as LevelChoice)} data-testid="import-level">
        <option value="">from file name</option>
        <option value="L1">L1</option>
        <option value="L2">L2</option>
        <option value="L3">L3</option>
      </select>
    </label>
  );
}
