// Export the library's current filter: choose a format, watch the progress, cancel if needed. A cancelled export
// leaves no file. Where it goes depends on the shell: the desktop app writes where the system's save dialog says (the
// choice is good for one export); a browser downloads it from the server when it is done.
import { useMemo, useState } from 'react';
import type { ExportFormatName } from '../../../../shared/api.ts';
import { downloadUrl } from '../../api.ts';
import { useFilters } from '../../stores/filters.ts';
import { useList } from '../../stores/list.ts';
import { useShell } from '../../stores/shell.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Modal } from '../../ui/Modal.tsx';
import { describeFilter } from './describe-filter.ts';
import { useExports } from './exports-store.ts';
import './export.css';

const FORMATS: { format: ExportFormatName; name: string; ext: string; what: string }[] = [
  { format: 'jsonl', name: 'JSONL', ext: '.jsonl', what: 'one line per response: scoring, steps, tags, verdicts' },
  { format: 'csv', name: 'CSV', ext: '.csv', what: 'one row per tag, flat columns (spreadsheets, pandas)' },
  { format: 'parquet', name: 'Parquet', ext: '.parquet', what: 'typed columns, nested steps and tags' },
  { format: 'hf', name: 'Hugging Face', ext: '', what: 'a dataset folder: a Parquet file per level and a dataset card' },
  { format: 'prm', name: 'PRM steps', ext: '.prm.jsonl', what: 'per-step labels +1 / 0 / −1 and the first wrong step' },
  { format: 'pairs', name: 'Preference pairs', ext: '.pairs.jsonl', what: 'chosen / rejected answers to the same question' },
];

function suggestedPath(workspace: string | undefined, format: ExportFormatName): string {
  const dir = workspace ? workspace.replace(/[^/\\]*$/, '') : '';
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const f = FORMATS.find((x) => x.format === format)!;
  return `${dir}cotscope-export-${stamp}${format === 'hf' ? '-hf' : f.ext}`;
}

function Progress() {
  const job = useExports((s) => s.job);
  if (!job) return null;
  const frac = job.total > 0 ? Math.min(1, job.done / job.total) : job.state === 'running' ? 0 : 1;
  const label = { running: 'Exporting…', done: 'Done', cancelled: 'Cancelled', failed: 'Failed' }[job.state];
  return (
    <div className="export-progress" data-testid="export-progress" data-state={job.state}>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className={`progress-bar progress-${job.state}`} style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
      <div className="small">
        <strong>{label}</strong> · {job.done.toLocaleString()} of {job.total.toLocaleString()} responses
        <div className="muted mono">{job.out}</div>
      </div>
      {job.message && (
        <div className={job.state === 'failed' ? 'error-text small' : 'small'} data-testid="export-message">
          {job.message}
          {job.meta && !job.download && (
            <div className="muted">
              Filter and cotscope version: <span className="mono">{job.meta}</span>
            </div>
          )}
        </div>
      )}
      {job.download && (
        <>
          <div className="export-downloads">
            <a className="btn btn-primary" href={downloadUrl(job.download.url)} download={job.download.name} data-testid="export-download">
              Download {job.download.name}
            </a>
            {job.download.meta && (
              <span className="small">
                Filter and cotscope version:{' '}
                <a className="link mono" href={downloadUrl(job.download.meta.url)} download={job.download.meta.name} data-testid="export-download-meta">
                  {job.download.meta.name}
                </a>
              </span>
            )}
          </div>
          <div className="muted small">Your browser saves it where it saves downloads. The links work for an hour, while the server runs.</div>
        </>
      )}
    </div>
  );
}

export function ExportDialog() {
  const filter = useFilters((s) => s.filter);
  const total = useList((s) => s.total);
  const workspace = useWorkspace((s) => s.session?.workspace);
  const shell = useShell((s) => s.info);
  const job = useExports((s) => s.job);
  const starting = useExports((s) => s.starting);
  const running = job?.state === 'running';
  const [format, setFormat] = useState<ExportFormatName>('jsonl');
  /** Desktop: where the save dialog said to write this export; spent by one export. */
  const [out, setOut] = useState<string | null>(null);
  const [license, setLicense] = useState('other');
  const summary = useMemo(() => describeFilter(filter), [filter]);
  const browser = shell?.kind === 'browser';

  const choose = (f: ExportFormatName) => {
    setFormat(f);
    // A file chosen for one format is the wrong name (or, for a dataset folder, the wrong kind) for another.
    if (f !== format) setOut(null);
  };
  const choosePath = async () => {
    const path = await useShell.getState().chooseSavePath('export', out ?? suggestedPath(workspace, format), format === 'hf');
    if (path) setOut(path);
  };
  const ready = !!shell && !starting && !running && total !== 0 && (browser || out !== null);
  const start = () => {
    if (!ready) return;
    const card = format === 'hf' ? { license: license.trim() || 'other' } : {};
    // Browser mode names no destination: the server writes the export where it keeps downloads.
    void useExports.getState().start({ format, filter, ...(browser ? {} : { out: out! }), ...card });
    // The save dialog's choice is good for this one export.
    setOut(null);
  };

  return (
    <Modal title="Export" onClose={() => useExports.getState().hide()} testId="export-dialog" wide>
      <form
        className="export-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <div className="export-filter" data-testid="export-filter">
          <span className="field-label">Exports the library's current list</span>
          <div>
            <strong data-testid="export-count">{total === null ? '…' : `${total.toLocaleString()} response${total === 1 ? '' : 's'}`}</strong>
            {' · '}
            {summary.length ? summary.join(' · ') : 'no filter: every response'}
          </div>
        </div>
        <div className="export-formats" role="radiogroup" aria-label="Format">
          {FORMATS.map((f) => (
            <label key={f.format} className={`export-format${format === f.format ? ' on' : ''}`}>
              <input type="radio" name="export-format" checked={format === f.format} onChange={() => choose(f.format)} data-testid={`export-format-${f.format}`} />
              <span>
                <strong>{f.name}</strong>
                <span className="muted small"> {f.what}</span>
              </span>
            </label>
          ))}
        </div>
        {shell && !browser && (
          <div className="field">
            <label className="field-label" htmlFor="export-out">
              {format === 'hf' ? 'Folder to create' : 'File to write'}
            </label>
            <div className="chosen-path">
              <input
                id="export-out"
                className="input mono"
                readOnly
                value={out ?? ''}
                placeholder={format === 'hf' ? 'choose where to create the dataset folder' : 'choose where to save the file'}
                data-testid="export-out"
              />
              <button type="button" className="btn" disabled={running} onClick={() => void choosePath()} data-testid="export-choose">
                Choose…
              </button>
            </div>
          </div>
        )}
        {browser && (
          <div className="muted small" data-testid="export-browser-note">
            Your browser downloads the export when it is ready{format === 'hf' ? ': the dataset folder as a .zip' : ''}.
          </div>
        )}
        {format === 'hf' && (
          <label className="field">
            <span className="field-label">Licence on the dataset card</span>
            <input className="input mono" value={license} onChange={(e) => setLicense(e.target.value)} data-testid="export-license" />
          </label>
        )}
        <div className="dialog-actions">
          {running ? (
            <button type="button" className="btn btn-danger" onClick={() => void useExports.getState().cancel()} data-testid="export-cancel">
              Cancel export
            </button>
          ) : (
            <button type="submit" className="btn btn-primary" disabled={!ready} data-testid="export-start">
              {starting ? 'Starting…' : 'Export'}
            </button>
          )}
          <button type="button" className="btn" onClick={() => useExports.getState().hide()}>
            Close
          </button>
        </div>
        <Progress />
      </form>
    </Modal>
  );
}
