// "Import teammate's pack…": a pack file merged at once, and the merge report shown: what was added, updated, deleted;
// responses this workspace lacks; bad lines. The desktop app reads the pack where it is, chosen in the system's
// dialog; a browser uploads it (or names one inside a folder the server allows).
import { useState } from 'react';
import type { MergeCounts } from '../../../../shared/api.ts';
import { insideFolders, useShell } from '../../stores/shell.ts';
import { formatBytes } from '../../stores/uploads.ts';
import { AllowedFolders, OutsideFolders } from '../../ui/AllowedFolders.tsx';
import { FilePicker, UploadBar, useFileDrop } from '../../ui/FilePicker.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { useTeam } from './team-store.ts';

const KINDS = ['tags', 'verdicts', 'adjudications'] as const;

function Counts({ c }: { c: MergeCounts }) {
  return (
    <>
      <td className="num">{c.added}</td>
      <td className="num">{c.updated}</td>
      <td className="num">{c.deleted}</td>
      <td className="num">{c.unchanged}</td>
      <td className="num">{c.tombstones}</td>
    </>
  );
}

export function PackImportDialog() {
  const shell = useShell((s) => s.info);
  const report = useTeam((s) => s.packReport);
  const error = useTeam((s) => s.packError);
  const importing = useTeam((s) => s.importing);
  const upload = useTeam((s) => s.packUpload);
  const browser = shell?.kind === 'browser';
  const folders = shell?.folders ?? [];
  /** Desktop: the pack the open dialog returned; browser: a path typed inside an allowed folder. */
  const [path, setPath] = useState('');
  /** Browser: a pack file picked or dropped, uploaded when merging. */
  const [file, setFile] = useState<File | null>(null);
  const typed = browser && folders.length > 0 ? path.trim() : '';
  const pick = (files: File[]) => {
    setFile(files[0]);
    setPath('');
  };
  const drop = useFileDrop(pick, browser && !importing);
  const close = () => useTeam.getState().setPackDialog(false);
  const choose = async () => {
    const paths = await useShell.getState().choosePaths('pack');
    if (paths?.[0]) setPath(paths[0]);
  };
  const ready = !importing && (browser ? file !== null || typed !== '' : path !== '');
  const start = () => {
    if (!ready) return;
    if (browser && file) void useTeam.getState().importPackFile(file);
    else void useTeam.getState().importPack(browser ? typed : path);
  };
  return (
    <Modal title="Import a teammate’s pack" onClose={close} testId="pack-dialog" wide>
      <p className="small muted">
        A pack is what <span className="mono">cotscope export-pack</span> writes: tags, verdicts and adjudications with their UUIDs and deletions.
        Merging adds your teammate’s work beside yours; the newest version of each row wins, nobody’s work is overwritten by another
        annotator’s, and importing the same pack twice changes nothing.
      </p>
      <form
        className="pack-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
        {...drop.handlers}
      >
        {!shell ? null : browser ? (
          <>
            <div className="field">
              <span className="field-label">Pack file</span>
              <div className={`drop-zone${drop.over ? ' is-over' : ''}`}>
                <FilePicker label="Choose pack file…" onFiles={pick} disabled={importing} testId="pack-upload">
                  <span className="muted small">or drop it here: it is uploaded to the server and merged.</span>
                </FilePicker>
                {file && (
                  <div className="chosen-file" data-testid="pack-file">
                    <span className="mono chosen-name" title={file.name}>
                      {file.name}
                    </span>
                    <span className="muted small nowrap">{formatBytes(file.size)}</span>
                    {upload && upload.name === file.name && <UploadBar upload={upload} testId="pack-upload-progress" />}
                    <button type="button" className="btn-icon" aria-label={`Remove ${file.name}`} disabled={importing} onClick={() => setFile(null)}>
                      ×
                    </button>
                  </div>
                )}
              </div>
            </div>
            {folders.length > 0 ? (
              <div className="field">
                <label className="field-label" htmlFor="pack-path">
                  Or a pack already on the server
                </label>
                <input
                  id="pack-path"
                  className="input mono"
                  value={path}
                  spellCheck={false}
                  onChange={(e) => {
                    setPath(e.target.value);
                    if (e.target.value.trim()) setFile(null);
                  }}
                  placeholder={`${folders[0]}/bob.pack`}
                  data-testid="pack-path"
                />
                <AllowedFolders folders={folders} what="a pack" testId="pack-folders" />
                {typed && !insideFolders(typed, folders) && <OutsideFolders path={typed} testId="pack-path-outside" />}
              </div>
            ) : (
              <AllowedFolders folders={folders} what="pack" testId="pack-folders" />
            )}
          </>
        ) : (
          <div className="field">
            <label className="field-label" htmlFor="pack-path">
              Pack file
            </label>
            <div className="chosen-path">
              <input id="pack-path" className="input mono" readOnly value={path} placeholder="choose the pack your teammate sent" data-testid="pack-path" />
              <button type="button" className="btn" autoFocus disabled={importing} onClick={() => void choose()} data-testid="pack-choose">
                Choose…
              </button>
            </div>
          </div>
        )}
        <div className="dialog-actions">
          <button type="submit" className="btn btn-primary" disabled={!ready} data-testid="pack-import">
            {importing ? (upload?.state === 'sending' ? 'Uploading…' : 'Merging…') : 'Merge pack'}
          </button>
          {importing && upload?.state === 'sending' && (
            <button type="button" className="btn btn-danger" onClick={() => useTeam.getState().cancelPackUpload()} data-testid="pack-cancel-upload">
              Cancel upload
            </button>
          )}
          <button type="button" className="btn" onClick={close}>
            Close
          </button>
        </div>
      </form>
      {error && (
        <div className="error-text small" data-testid="pack-error">
          {error}
        </div>
      )}
      {report && (
        <div className="pack-report" data-testid="pack-report">
          <div className="small">
            Merged <span className="mono">{report.file}</span> (pack format v{report.version}) — work of{' '}
            <strong>{report.annotators.join(', ') || 'nobody'}</strong>
          </div>
          <table className="table">
            <thead>
              <tr>
                <th />
                <th className="num">added</th>
                <th className="num">updated</th>
                <th className="num">deleted</th>
                <th className="num">unchanged</th>
                <th className="num" title="Deletions of rows this workspace never had, kept so later merges know">deletions kept</th>
              </tr>
            </thead>
            <tbody>
              {KINDS.map((k) => (
                <tr key={k} data-testid={`pack-count-${k}`}>
                  <th>{k}</th>
                  <Counts c={report[k]} />
                </tr>
              ))}
            </tbody>
          </table>
          {report.annotatorsAdded.length > 0 && <div className="small">New annotators: {report.annotatorsAdded.join(', ')}</div>}
          {report.labelsAdded.length > 0 && <div className="small">New labels: {report.labelsAdded.join(', ')}</div>}
          {report.conflicts > 0 && (
            <div className="warn-text small">{report.conflicts} row(s) refused: their UUID belongs to another annotator in this workspace.</div>
          )}
          {report.unmatched.count > 0 && (
            <div className="warn-text small" data-testid="pack-unmatched">
              {report.unmatched.count} response(s) in the pack are not in this workspace (import their runs first):
              <ul className="mono">
                {report.unmatched.first.map((u) => (
                  <li key={u}>{u}</li>
                ))}
                {report.unmatched.count > report.unmatched.first.length && <li>… and {report.unmatched.count - report.unmatched.first.length} more</li>}
              </ul>
            </div>
          )}
          {report.skipped.count > 0 && (
            <div className="skipped" data-testid="pack-skipped">
              <div className="field-label">Skipped lines ({report.skipped.count})</div>
              <ul className="mono small">
                {report.skipped.lines.map((s, i) => (
                  <li key={i}>
                    {s.file}:{s.line}: {s.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}
