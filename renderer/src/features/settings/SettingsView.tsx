import { useEffect, useState } from 'react';
import type { DatasetSummary, FrameMapping, RunSummary } from '../../../../shared/api.ts';
import { usePlayer } from '../../stores/player.ts';
import { folderList, insideFolders, useShell } from '../../stores/shell.ts';
import { useUi } from '../../stores/ui.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { TaxonomyEditor } from './TaxonomyEditor.tsx';

function AnnotatorSection() {
  const session = useWorkspace((s) => s.session);
  const [name, setName] = useState(session?.annotator ?? '');
  useEffect(() => setName(session?.annotator ?? ''), [session?.annotator]);
  return (
    <div className="inline-form">
      <label className="field">
        <span className="field-label">Annotator name (stored on every tag and verdict you make)</span>
        <input className="input" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="settings-annotator" />
      </label>
      <button
        className="btn btn-primary"
        disabled={!name.trim() || name.trim() === session?.annotator}
        onClick={() => void useWorkspace.getState().setAnnotator(name.trim())}
        data-testid="settings-annotator-save"
      >
        Save
      </button>
      {session && (
        <span className="muted small">
          Workspace <span className="mono">{session.workspace}</span> · cotscope {session.version}
        </span>
      )}
    </div>
  );
}

function DatasetRow({ ds }: { ds: DatasetSummary }) {
  const [mapping, setMapping] = useState<FrameMapping>(ds.frameMapping);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setMapping(ds.frameMapping), [ds.frameMapping]);
  const mappingDirty = mapping.fps !== ds.frameMapping.fps || mapping.start !== ds.frameMapping.start;
  return (
    <>
      <tr data-testid="dataset-row" data-dataset-id={ds.id}>
        <td>
          <strong>{ds.name}</strong>
          <div className="muted small">
            {ds.samples.toLocaleString()} samples
            {ds.missingVideos > 0 && (
              <span className="warn-text">
                {' '}
                · {ds.missingVideos} video{ds.missingVideos === 1 ? '' : 's'} missing
              </span>
            )}
            {ds.missingImages > 0 && (
              <span className="warn-text">
                {' '}
                · {ds.missingImages} image{ds.missingImages === 1 ? '' : 's'} missing
              </span>
            )}
          </div>
        </td>
        <td>
          <div className="inline-form">
            <label className="field field-inline">
              <span className="field-label">original fps</span>
              <input
                className="input input-num"
                type="number"
                min={1}
                max={240}
                step="any"
                value={mapping.fps}
                onChange={(e) => setMapping({ ...mapping, fps: Number(e.target.value) })}
                data-testid="mapping-fps"
              />
            </label>
            <label className="field field-inline">
              <span className="field-label">clip starts at</span>
              <select className="select" value={mapping.start} onChange={(e) => setMapping({ ...mapping, start: e.target.value as FrameMapping['start'] })} data-testid="mapping-start">
                <option value="first-narration">first narration’s start_frame</option>
                <option value="task-start">task_start_frame (L3)</option>
              </select>
            </label>
            <button
              className="btn btn-small btn-primary"
              disabled={!mappingDirty || !(mapping.fps > 0)}
              onClick={async () => setError(await useWorkspace.getState().setFrameMapping(ds.id, mapping))}
              data-testid="mapping-save"
            >
              Save
            </button>
          </div>
          <div className="muted small mono">clip t = (frame − start) / {mapping.fps}</div>
        </td>
        <td>
          <DataRootCell ds={ds} onError={setError} />
        </td>
      </tr>
      {error && (
        <tr className="error-row">
          <td colSpan={3} className="error-text">
            {error}
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * Where a dataset's videos and images are: a folder on the machine running cotscope, picked in the desktop app's
 * dialog (and applied at once), typed inside the allowed folders in a browser. Every video and image is re-checked.
 */
function DataRootCell({ ds, onError }: { ds: DatasetSummary; onError: (message: string | null) => void }) {
  const shell = useShell((s) => s.info);
  const [root, setRoot] = useState(ds.root ?? '');
  useEffect(() => setRoot(ds.root ?? ''), [ds.root]);
  const remap = async (to: string) => onError(await useWorkspace.getState().remapDataRoot(ds.id, to));
  if (!shell) return null;
  if (shell.kind === 'desktop') {
    const choose = async () => {
      const paths = await useShell.getState().choosePaths('data-root');
      if (paths?.[0]) await remap(paths[0]);
    };
    return (
      <>
        <div className="inline-form nowrap-form">
          <input className="input mono root-input" readOnly value={ds.root ?? ''} placeholder="no data root" aria-label="Data root" data-testid="dataroot-input" />
          <button className="btn btn-small" onClick={() => void choose()} data-testid="dataroot-choose">
            Choose folder…
          </button>
        </div>
        <div className="muted small">The folder holding videos/ and images/; every video and image is re-checked.</div>
      </>
    );
  }
  const folders = shell.folders;
  if (folders.length === 0) {
    return (
      <>
        <input className="input mono root-input" disabled value={ds.root ?? ''} placeholder="no data root" aria-label="Data root" data-testid="dataroot-input" />
        <div className="muted small" data-testid="dataroot-folders" data-folders="0">
          A data root is a folder on the server, and this server allows none (its owner can start it with <span className="mono">--allow-dir DIR</span>).
        </div>
      </>
    );
  }
  const typed = root.trim();
  return (
    <>
      <form
        className="inline-form nowrap-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed && typed !== ds.root) void remap(typed);
        }}
      >
        <input
          className="input mono root-input"
          value={root}
          spellCheck={false}
          placeholder={`${folders[0]}/SEED-Bench-R1`}
          onChange={(e) => setRoot(e.target.value)}
          aria-label="Data root"
          data-testid="dataroot-input"
        />
        <button type="submit" className="btn btn-small" disabled={!typed || typed === ds.root} data-testid="dataroot-save">
          Remap
        </button>
      </form>
      <div className="muted small" data-testid="dataroot-folders" data-folders={folders.length}>
        A folder inside <span className="mono">{folderList(folders)}</span> on the server; every video and image is re-checked.
      </div>
      {typed && typed !== ds.root && !insideFolders(typed, folders) && (
        <div className="warn-text small" data-testid="dataroot-outside">
          Outside the allowed folders: the server will refuse it.
        </div>
      )}
    </>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  const [s, setS] = useState(run.settings);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setS(run.settings), [run.settings]);
  const dirty = JSON.stringify(s) !== JSON.stringify(run.settings);
  const bad = !(s.sampleFps > 0) || !(s.minFrames >= 1) || !(s.maxFrames >= s.minFrames);
  return (
    <>
      <tr data-testid="run-row" data-run={run.name}>
        <td>
          <strong>{run.name}</strong> <span className={`method method-${run.method}`}>{run.method}</span>
          <div className="muted small">
            {run.responses.toLocaleString()} responses · {run.levels.join(', ')}
          </div>
        </td>
        <td>
          <input className="input input-num" type="number" min={0.1} max={60} step="any" value={s.sampleFps} onChange={(e) => setS({ ...s, sampleFps: Number(e.target.value) })} aria-label="Sample fps" />
        </td>
        <td>
          <input className="input input-num" type="number" min={1} step={1} value={s.minFrames} onChange={(e) => setS({ ...s, minFrames: Math.round(Number(e.target.value)) })} aria-label="Min frames" />
        </td>
        <td>
          <input className="input input-num" type="number" min={1} step={1} value={s.maxFrames} onChange={(e) => setS({ ...s, maxFrames: Math.round(Number(e.target.value)) })} aria-label="Max frames" />
        </td>
        <td>
          <button className="btn btn-small btn-primary" disabled={!dirty || bad} onClick={async () => setError(await useWorkspace.getState().setRunSettings(run.name, s))} data-testid="run-save">
            Save
          </button>
          {bad && <span className="error-text small"> max ≥ min ≥ 1, fps &gt; 0</span>}
        </td>
      </tr>
      {error && (
        <tr className="error-row">
          <td colSpan={5} className="error-text">
            {error}
          </td>
        </tr>
      )}
    </>
  );
}

function PlayerSection() {
  const fps = usePlayer((s) => s.assumedFps);
  const [v, setV] = useState(String(fps));
  return (
    <div className="inline-form">
      <label className="field field-inline">
        <span className="field-label">Clip frame rate to assume</span>
        <input className="input input-num" type="number" min={1} max={240} step="any" value={v} onChange={(e) => setV(e.target.value)} data-testid="assumed-fps" />
      </label>
      <button className="btn btn-small" disabled={!(Number(v) > 0) || Number(v) === fps} onClick={() => usePlayer.getState().setAssumedFps(Number(v))}>
        Save
      </button>
      <span className="muted small">Frame steps use this until the clip’s real rate is measured during playback (the demo clips are 10 fps).</span>
    </div>
  );
}

const SECTIONS = [
  { id: 'annotator', title: 'Annotator' },
  { id: 'taxonomy', title: 'Taxonomy' },
  { id: 'datasets', title: 'Datasets' },
  { id: 'runs', title: 'Runs' },
  { id: 'player', title: 'Player' },
  { id: 'import', title: 'Import' },
];

export function SettingsView({ section }: { section: string | null }) {
  const datasets = useWorkspace((s) => s.datasets);
  const runs = useWorkspace((s) => s.runs);
  useEffect(() => {
    void useWorkspace.getState().refreshDatasets();
    void useWorkspace.getState().refreshRuns();
    void useWorkspace.getState().refreshLabels();
  }, []);
  // Jump to the asked-for section once the tables above it have their rows (else it lands short).
  const loaded = useWorkspace((s) => s.loaded);
  useEffect(() => {
    if (section && loaded) document.getElementById(`settings-${section}`)?.scrollIntoView({ block: 'start' });
  }, [section, loaded, datasets.length]);

  return (
    <div className="settings" data-testid="settings">
      <nav className="settings-nav">
        {SECTIONS.map((s) => (
          <a key={s.id} href={`#settings-${s.id}`} onClick={(e) => (e.preventDefault(), document.getElementById(`settings-${s.id}`)?.scrollIntoView({ behavior: 'smooth' }))}>
            {s.title}
          </a>
        ))}
      </nav>
      <div className="settings-body">
        <section id="settings-annotator" className="settings-section">
          <h2>Annotator</h2>
          <AnnotatorSection />
        </section>
        <section id="settings-taxonomy" className="settings-section">
          <h2>Taxonomy</h2>
          <p className="muted small">The failure labels offered in the workbench. The key is what exports and annotation packs use.</p>
          <TaxonomyEditor />
        </section>
        <section id="settings-datasets" className="settings-section">
          <h2>Datasets</h2>
          <p className="muted small">
            How narration frame numbers of the original videos map to clip time, and where the data root is. SEED-Bench-R1 clips start at the
            first narrated step (L1/L2) or at the task start (L3); the original videos run at 30 fps.
          </p>
          <table className="table" data-testid="datasets">
            <thead>
              <tr>
                <th>Dataset</th>
                <th>Frame mapping</th>
                <th>Data root</th>
              </tr>
            </thead>
            <tbody>
              {datasets.map((d) => (
                <DatasetRow key={d.id} ds={d} />
              ))}
              {datasets.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    No benchmark imported yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </section>
        <section id="settings-runs" className="settings-section">
          <h2>Runs</h2>
          <p className="muted small">How each model sampled its frames (Qwen2-VL style: n = clamp(round(duration × fps), min, max), evenly spaced). Drawn as ticks on the timeline.</p>
          <table className="table" data-testid="runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Sample fps</th>
                <th>Min frames</th>
                <th>Max frames</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <RunRow key={r.id} run={r} />
              ))}
              {runs.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No runs imported yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </section>
        <section id="settings-player" className="settings-section">
          <h2>Player</h2>
          <PlayerSection />
        </section>
        <section id="settings-import" className="settings-section">
          <h2>Import</h2>
          <p className="muted small">Benchmark annotation files and model output files (in a browser, uploaded from this computer).</p>
          <button className="btn btn-primary" onClick={() => useUi.getState().setImportDialog(true)} data-testid="settings-open-import">
            Import files…
          </button>
        </section>
      </div>
    </div>
  );
}
