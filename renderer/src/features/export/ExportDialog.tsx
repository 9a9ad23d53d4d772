// Export the library's current filter: choose a format and where to write it (a path on the machine that runs
// cotscope, as in the import dialog), watch the progress, cancel if needed. A cancelled export leaves no file.
import { useMemo, useState } from 'react';
import type { ExportFormatName } from '../../../../shared/api.ts';
import { call, shown } from '../../api.ts';
import { useFilters } from '../../stores/filters.ts';
import { useList } from '../../stores/list.ts';
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
          {job.meta && <div className="muted">Filter and cotscope version: <span className="mono">{job.meta}</span></div>}
        </div>
      )}
    </div>
  );
}

export function ExportDialog() {
  const filter = useFilters((s) => s.filter);
  const total = useList((s) => s.total);
  const workspace = useWorkspace((s) => s.session?.workspace);
  const job = useExports((s) => s.job);
  const starting = useExports((s) => s.starting);
  const running = job?.state === 'running';
  const [format, setFormat] = useState<ExportFormatName>('jsonl');
  const [out, setOut] = useState(() => suggestedPath(workspace, 'jsonl'));
  const [touched, setTouched] = useState(false);
  const [license, setLicense] = useState('other');
  const summary = useMemo(() => describeFilter(filter), [filter]);

  const choose = (f: ExportFormatName) => {
    setFormat(f);
    if (!touched) setOut(suggestedPath(workspace, f));
  };
  // The desktop app has the system's save dialog; in a browser the path (on the serving machine) is typed.
  const desktop = typeof window !== 'undefined' && !!window.cotscope;
  const choosePath = async () => {
    try {
      const r = await call('chooseSavePath', { suggested: out, folder: format === 'hf' });
      if (r.path) {
        setOut(r.path);
        setTouched(true);
      }
    } catch (e) {
      shown(e);
    }
  };
  const start = () => {
    if (running || !out.trim()) return;
    void useExports.getState().start({ format, out: out.trim(), filter, ...(format === 'hf' ? { license: license.trim() || 'other' } : {}) });
  };

  return (
    <Modal title="Export" onClose={() => useExports.getState().hide()} testId="export-dialog" wide>
      <div className="export-form">
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
        <div className="field-row">
          <label className="field grow">
            <span className="field-label">{format === 'hf' ? 'Folder to create' : 'File'} on the cotscope machine</span>
            <input
              className="input mono"
              value={out}
              onChange={(e) => {
                setOut(e.target.value);
                setTouched(true);
              }}
              data-testid="export-out"
            />
          </label>
          {desktop && (
            <button className="btn export-choose" onClick={() => void choosePath()} data-testid="export-choose">
              Choose…
            </button>
          )}
        </div>
        {format === 'hf' && (
          <label className="field">
            <span className="field-label">Licence on the dataset card</span>
            <input className="input mono" value={license} onChange={(e) => setLicense(e.target.value)} data-testid="export-license" />
          </label>
        )}
        <div className="dialog-actions">
          {running ? (
            <button className="btn btn-danger" onClick={() => void useExports.getState().cancel()} data-testid="export-cancel">
              Cancel export
            </button>
          ) : (
            <button className="btn btn-primary" disabled={starting || !out.trim() || total === 0} onClick={start} data-testid="export-start">
              {starting ? 'Starting…' : 'Export'}
            </button>
          )}
          <button className="btn" onClick={() => useExports.getState().hide()}>
            Close
          </button>
        </div>
        <Progress />
      </div>
    </Modal>
  );
}
