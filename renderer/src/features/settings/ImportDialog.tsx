import { useState } from 'react';
import type { Input, Method } from '../../../../shared/api.ts';
import { useImports } from '../../stores/imports.ts';
import { useUi } from '../../stores/ui.ts';
import { Modal } from '../../ui/Modal.tsx';

type Kind = 'benchmark' | 'run';
type LevelChoice = '' | 'L1' | 'L2' | 'L3';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

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
        {(frac * 100).toFixed(0)}% ({bytes(job.bytesRead)} of {bytes(job.bytesTotal)}) · {job.records.toLocaleString()} records · {job.imported.toLocaleString()} imported ·{' '}
        {job.skippedCount.toLocaleString()} skipped
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

/** Import benchmark files or a run's output files, by path on the machine that runs cotscope. */
export function ImportDialog() {
  const job = useImports((s) => s.job);
  const starting = useImports((s) => s.starting);
  const running = job?.state === 'running';
  const [kind, setKind] = useState<Kind>('run');
  const [paths, setPaths] = useState('');
  const [dataRoot, setDataRoot] = useState('');
  const [name, setName] = useState('');
  const [method, setMethod] = useState<Method>('rl');
  const [level, setLevel] = useState<LevelChoice>('');
  const [idField, setIdField] = useState('');
  const [responseField, setResponseField] = useState('');
  const [strict, setStrict] = useState(false);

  const list = paths
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  const ready = list.length > 0 && (kind === 'benchmark' || name.trim().length > 0);

  const start = () => {
    if (!ready || running) return;
    let input: Input<'startImport'>;
    if (kind === 'benchmark') {
      input = { kind, paths: list, strict, ...(dataRoot.trim() ? { dataRoot: dataRoot.trim() } : {}), ...(level ? { level } : {}) };
    } else {
      input = {
        kind,
        paths: list,
        name: name.trim(),
        method,
        strict,
        ...(level ? { level } : {}),
        ...(idField.trim() ? { idField: idField.trim() } : {}),
        ...(responseField.trim() ? { responseField: responseField.trim() } : {}),
      };
    }
    void useImports.getState().start(input);
  };

  const close = () => {
    useUi.getState().setImportDialog(false);
    useImports.getState().clear();
  };

  return (
    <Modal title="Import" onClose={close} testId="import-dialog" wide>
      <div className="import-form">
        <div className="segmented" role="radiogroup" aria-label="What to import">
          <button className={`seg${kind === 'benchmark' ? ' on' : ''}`} aria-pressed={kind === 'benchmark'} onClick={() => setKind('benchmark')} data-testid="import-kind-benchmark">
            Benchmark questions
          </button>
          <button className={`seg${kind === 'run' ? ' on' : ''}`} aria-pressed={kind === 'run'} onClick={() => setKind('run')} data-testid="import-kind-run">
            Model outputs (a run)
          </button>
        </div>
        <label className="field">
          <span className="field-label">Files on the cotscope machine, one path per line</span>
          <textarea
            className="input mono"
            rows={4}
            value={paths}
            onChange={(e) => setPaths(e.target.value)}
            placeholder={kind === 'benchmark' ? '/data/SEED-Bench-R1/annotations/validation_L1.jsonl' : '/runs/grpo/eval_results_for_validation_L1.jsonl'}
            data-testid="import-paths"
          />
        </label>
        {kind === 'benchmark' ? (
          <div className="field-row">
            <label className="field grow">
              <span className="field-label">Data root (holds videos/ and images/)</span>
              <input className="input mono" value={dataRoot} onChange={(e) => setDataRoot(e.target.value)} placeholder="/data/SEED-Bench-R1" data-testid="import-dataroot" />
            </label>
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
          {running ? (
            <button className="btn btn-danger" onClick={() => void useImports.getState().cancel()} data-testid="import-cancel">
              Cancel import
            </button>
          ) : (
            <button className="btn btn-primary" disabled={!ready || starting} onClick={start} data-testid="import-start">
              {starting ? 'Starting…' : 'Start import'}
            </button>
          )}
          <button className="btn" onClick={close} disabled={running}>
            Close
          </button>
        </div>
        <Progress />
      </div>
    </Modal>
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
