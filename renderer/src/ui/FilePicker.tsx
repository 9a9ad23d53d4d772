// Picking files in a browser: a button that opens the system's file chooser, and dropping files from the desktop.
// (The desktop app's dialogs answer with paths instead: see each dialog's Choose… button.)
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import type { UploadProgress } from '../stores/uploads.ts';
import { formatBytes } from '../stores/uploads.ts';

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Keeps a file dropped anywhere but on a drop zone from replacing the app: the browser's default is to open it in
 * the tab. Returns the uninstaller.
 */
export function ignoreStrayDrops(): () => void {
  const stop = (e: globalThis.DragEvent) => {
    // A drop zone took it already (React's handlers run before the window's).
    if (e.defaultPrevented || !Array.from(e.dataTransfer?.types ?? []).includes('Files')) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
  };
  window.addEventListener('dragover', stop);
  window.addEventListener('drop', stop);
  return () => {
    window.removeEventListener('dragover', stop);
    window.removeEventListener('drop', stop);
  };
}

/** Handlers that take files dropped on an element, and whether files are being dragged over it. */
export function useFileDrop(onFiles: (files: File[]) => void, enabled = true) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  if (!enabled) return { over: false, handlers: {} };
  return {
    over,
    handlers: {
      onDragEnter(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      },
      onDragOver(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      // Entering a child leaves the parent: count, so the highlight stays while over any part of the element.
      onDragLeave(e: DragEvent) {
        if (!hasFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      },
      onDrop(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = Array.from(e.dataTransfer.files);
        if (files.length) onFiles(files);
      },
    },
  };
}

/** A "Choose files…" button over a hidden file input (so it looks like the other buttons), with a note beside it. */
export function FilePicker({
  multiple,
  accept,
  label,
  onFiles,
  disabled,
  testId,
  children,
}: {
  multiple?: boolean;
  accept?: string;
  label: string;
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  /** data-testid of the file input; the button's is `${testId}-button`. */
  testId: string;
  children?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="file-picker">
      <button type="button" className="btn" disabled={disabled} onClick={() => input.current?.click()} data-testid={`${testId}-button`}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        multiple={multiple}
        accept={accept}
        disabled={disabled}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          // Cleared so choosing the same file again (after removing it) still reports it.
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
        data-testid={testId}
      />
      {children}
    </div>
  );
}

/** A file's upload: a bar, bytes sent of its size, and how it ended. */
export function UploadBar({ upload, testId }: { upload: UploadProgress; testId: string }) {
  const frac = upload.bytes > 0 ? Math.min(1, upload.sent / upload.bytes) : upload.state === 'sent' ? 1 : 0;
  const state = { waiting: 'waiting', sending: 'uploading', sent: 'uploaded', failed: 'failed', cancelled: 'cancelled' }[upload.state];
  const bar = upload.state === 'sent' ? 'done' : upload.state === 'failed' || upload.state === 'cancelled' ? 'failed' : 'running';
  return (
    <span className="upload-bar" data-testid={testId} data-state={upload.state}>
      <span className="progress" role="progressbar" aria-label={`Upload of ${upload.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <span className={`progress-bar progress-${bar}`} style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </span>
      <span className="small muted upload-state">
        {state} {upload.state === 'sending' ? `${formatBytes(upload.sent)} of ${formatBytes(upload.bytes)}` : `${Math.round(frac * 100)}%`}
      </span>
    </span>
  );
}
