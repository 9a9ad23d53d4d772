// The hotkey map: every key binding of the app comes from BINDINGS below (plus each label's own hotkey from the
// taxonomy), and the help overlay lists exactly this table. Views register what an action does with useHotkeys();
// one keydown listener (installHotkeys) finds the action for a key press and runs the active view's handler.
import { useEffect, useRef } from 'react';
import type { Label } from '../../shared/api.ts';

export type Scope = 'global' | 'library' | 'workbench' | 'compare' | 'dashboard' | 'team';

export type ActionId =
  // anywhere
  | 'help'
  | 'escape'
  | 'undo'
  | 'redo'
  | 'settings'
  // library
  | 'listDown'
  | 'listUp'
  | 'listOpen'
  | 'listTop'
  | 'listBottom'
  | 'listSearch'
  | 'listExport'
  // workbench: steps and selection
  | 'stepDown'
  | 'stepUp'
  | 'extendDown'
  | 'extendUp'
  | 'palette'
  | 'markIn'
  | 'markOut'
  | 'clearMarks'
  // workbench: tags
  | 'note'
  | 'severityMinor'
  | 'severityMajor'
  | 'severityCritical'
  | 'nextTag'
  | 'prevTag'
  | 'deleteTag'
  // workbench: the automatic checks' suggestions
  | 'acceptSuggestion'
  | 'rejectSuggestion'
  // workbench: verdict and review
  | 'verdictYes'
  | 'verdictNo'
  | 'verdictUnclear'
  | 'reviewDone'
  | 'reviewSkipped'
  | 'reviewTodo'
  // workbench: navigation
  | 'nextResponse'
  | 'prevResponse'
  | 'nextUnreviewed'
  // workbench: player
  | 'playPause'
  | 'frameBack'
  | 'frameForward'
  | 'secondBack'
  | 'secondForward'
  | 'slower'
  | 'faster'
  // compare (the focused column also takes every workbench key)
  | 'compareNextQuestion'
  | 'comparePrevQuestion'
  | 'compareNextColumn'
  | 'comparePrevColumn'
  | 'compareNextRollout'
  | 'comparePrevRollout'
  // dashboard
  | 'dashboardDrill'
  // team: adjudication
  | 'adjNextTag'
  | 'adjPrevTag'
  | 'adjKeep'
  | 'adjEdit'
  | 'adjDrop'
  | 'adjNextCase'
  | 'adjPrevCase'
  | 'adjVerdictYes'
  | 'adjVerdictNo'
  | 'adjVerdictUnclear';

export interface Binding {
  id: ActionId;
  /** Key descriptors: modifiers joined with '+', then the key: 'j', 'shift+j', 'mod+shift+z', 'space', '?'. */
  keys: string[];
  scope: Scope;
  group: string;
  description: string;
}

export const BINDINGS: readonly Binding[] = [
  { id: 'help', keys: ['?', 'h'], scope: 'global', group: 'Anywhere', description: 'Show / hide this list of hotkeys' },
  { id: 'escape', keys: ['escape'], scope: 'global', group: 'Anywhere', description: 'Close an overlay; in the workbench clear the selection, then back to the library' },
  { id: 'undo', keys: ['mod+z'], scope: 'global', group: 'Anywhere', description: 'Undo the last annotation action' },
  { id: 'redo', keys: ['mod+shift+z', 'ctrl+y'], scope: 'global', group: 'Anywhere', description: 'Redo' },
  { id: 'settings', keys: ['mod+,'], scope: 'global', group: 'Anywhere', description: 'Open settings' },

  { id: 'listDown', keys: ['j', 'arrowdown'], scope: 'library', group: 'Library', description: 'Next row' },
  { id: 'listUp', keys: ['k', 'arrowup'], scope: 'library', group: 'Library', description: 'Previous row' },
  { id: 'listOpen', keys: ['enter'], scope: 'library', group: 'Library', description: 'Open the row in the workbench (or double-click)' },
  { id: 'listTop', keys: ['home'], scope: 'library', group: 'Library', description: 'First row' },
  { id: 'listBottom', keys: ['end'], scope: 'library', group: 'Library', description: 'Last row' },
  { id: 'listSearch', keys: ['/'], scope: 'library', group: 'Library', description: 'Focus the search box' },
  { id: 'listExport', keys: ['shift+e'], scope: 'library', group: 'Library', description: 'Export the listed responses (jsonl, csv, parquet, hf, prm, pairs)' },

  { id: 'stepDown', keys: ['j', 'arrowdown'], scope: 'workbench', group: 'Steps & selection', description: 'Step cursor down (click a step)' },
  { id: 'stepUp', keys: ['k', 'arrowup'], scope: 'workbench', group: 'Steps & selection', description: 'Step cursor up' },
  { id: 'extendDown', keys: ['shift+j', 'shift+arrowdown'], scope: 'workbench', group: 'Steps & selection', description: 'Extend the step selection down (shift-click)' },
  { id: 'extendUp', keys: ['shift+k', 'shift+arrowup'], scope: 'workbench', group: 'Steps & selection', description: 'Extend the step selection up' },
  { id: 'palette', keys: ['t'], scope: 'workbench', group: 'Steps & selection', description: 'Tag with a label chosen by name (type to filter, Enter)' },
  { id: 'markIn', keys: ['i'], scope: 'workbench', group: 'Steps & selection', description: 'Set the pending tag’s video in-time to the playhead' },
  { id: 'markOut', keys: ['o'], scope: 'workbench', group: 'Steps & selection', description: 'Set the pending tag’s video out-time to the playhead' },
  { id: 'clearMarks', keys: ['c'], scope: 'workbench', group: 'Steps & selection', description: 'Clear in/out times, the text selection and the step range (a tag uses up the first two)' },

  { id: 'note', keys: ['n'], scope: 'workbench', group: 'Tags', description: 'Write a note on the selected (else the last) tag' },
  { id: 'severityMinor', keys: ['shift+1'], scope: 'workbench', group: 'Tags', description: 'Severity: minor' },
  { id: 'severityMajor', keys: ['shift+2'], scope: 'workbench', group: 'Tags', description: 'Severity: major' },
  { id: 'severityCritical', keys: ['shift+3'], scope: 'workbench', group: 'Tags', description: 'Severity: critical' },
  { id: 'nextTag', keys: ['e'], scope: 'workbench', group: 'Tags', description: 'Select the next tag or open suggestion (seeks the video to its time range)' },
  { id: 'prevTag', keys: ['shift+e'], scope: 'workbench', group: 'Tags', description: 'Select the previous tag or open suggestion' },
  { id: 'deleteTag', keys: ['delete', 'backspace'], scope: 'workbench', group: 'Tags', description: 'Delete the selected tag' },

  // `d` is also review done (below): this binding comes first, and with no suggestion selected it passes the key on.
  { id: 'acceptSuggestion', keys: ['a'], scope: 'workbench', group: 'Suggestions', description: 'Accept the selected suggestion: it becomes your own tag (select one with E or a click); then the next open one is selected' },
  { id: 'rejectSuggestion', keys: ['d'], scope: 'workbench', group: 'Suggestions', description: 'Reject the selected suggestion (kept as your decision). With no suggestion selected, D sets the review status to done' },

  { id: 'verdictYes', keys: ['y'], scope: 'workbench', group: 'Verdict & review', description: 'Reasoning supports the answer: yes' },
  { id: 'verdictNo', keys: ['x'], scope: 'workbench', group: 'Verdict & review', description: 'Reasoning supports the answer: no' },
  { id: 'verdictUnclear', keys: ['m'], scope: 'workbench', group: 'Verdict & review', description: 'Reasoning supports the answer: unclear (maybe)' },
  { id: 'reviewDone', keys: ['d'], scope: 'workbench', group: 'Verdict & review', description: 'Review status: done (when a suggestion is selected, D rejects it instead)' },
  { id: 'reviewSkipped', keys: ['s'], scope: 'workbench', group: 'Verdict & review', description: 'Review status: skipped' },
  { id: 'reviewTodo', keys: ['r'], scope: 'workbench', group: 'Verdict & review', description: 'Review status: back to to-do' },

  { id: 'nextResponse', keys: [']'], scope: 'workbench', group: 'Navigate', description: 'Next response in the list' },
  { id: 'prevResponse', keys: ['['], scope: 'workbench', group: 'Navigate', description: 'Previous response in the list' },
  { id: 'nextUnreviewed', keys: ['u'], scope: 'workbench', group: 'Navigate', description: 'Next response still to review' },

  { id: 'playPause', keys: ['space'], scope: 'workbench', group: 'Video', description: 'Play / pause' },
  { id: 'frameBack', keys: [','], scope: 'workbench', group: 'Video', description: 'Back one frame' },
  { id: 'frameForward', keys: ['.'], scope: 'workbench', group: 'Video', description: 'Forward one frame' },
  { id: 'secondBack', keys: ['shift+,', 'arrowleft'], scope: 'workbench', group: 'Video', description: 'Back one second' },
  { id: 'secondForward', keys: ['shift+.', 'arrowright'], scope: 'workbench', group: 'Video', description: 'Forward one second' },
  { id: 'slower', keys: ['-'], scope: 'workbench', group: 'Video', description: 'Slower playback' },
  { id: 'faster', keys: ['='], scope: 'workbench', group: 'Video', description: 'Faster playback' },

  { id: 'compareNextQuestion', keys: ['f'], scope: 'compare', group: 'Compare', description: 'Next question in the chosen cell / filter' },
  { id: 'comparePrevQuestion', keys: ['b'], scope: 'compare', group: 'Compare', description: 'Previous question' },
  { id: 'compareNextColumn', keys: ['l'], scope: 'compare', group: 'Compare', description: 'Focus the next run’s column (it takes the workbench keys; or click it)' },
  { id: 'comparePrevColumn', keys: ['shift+l'], scope: 'compare', group: 'Compare', description: 'Focus the previous run’s column' },
  { id: 'compareNextRollout', keys: ['v'], scope: 'compare', group: 'Compare', description: 'Next rollout in the focused column' },
  { id: 'comparePrevRollout', keys: ['shift+v'], scope: 'compare', group: 'Compare', description: 'Previous rollout in the focused column' },

  { id: 'dashboardDrill', keys: ['enter'], scope: 'dashboard', group: 'Dashboard', description: 'List the responses behind the focused bar / cell / point (Tab moves between them; or click)' },

  { id: 'adjNextTag', keys: ['j', 'arrowdown'], scope: 'team', group: 'Adjudication', description: 'Next tag to decide' },
  { id: 'adjPrevTag', keys: ['k', 'arrowup'], scope: 'team', group: 'Adjudication', description: 'Previous tag' },
  { id: 'adjKeep', keys: ['a'], scope: 'team', group: 'Adjudication', description: 'Keep the selected tag (accept it as it is)' },
  { id: 'adjEdit', keys: ['e'], scope: 'team', group: 'Adjudication', description: 'Keep the selected tag edited (label, steps, note, severity)' },
  { id: 'adjDrop', keys: ['d', 'delete', 'backspace'], scope: 'team', group: 'Adjudication', description: 'Drop the selected tag' },
  { id: 'adjNextCase', keys: [']'], scope: 'team', group: 'Adjudication', description: 'Next disagreement' },
  { id: 'adjPrevCase', keys: ['['], scope: 'team', group: 'Adjudication', description: 'Previous disagreement' },
  { id: 'adjVerdictYes', keys: ['y'], scope: 'team', group: 'Adjudication', description: 'Adjudicated verdict: the reasoning supports the answer' },
  { id: 'adjVerdictNo', keys: ['x'], scope: 'team', group: 'Adjudication', description: 'Adjudicated verdict: it does not' },
  { id: 'adjVerdictUnclear', keys: ['m'], scope: 'team', group: 'Adjudication', description: 'Adjudicated verdict: unclear' },
];

/** A label's hotkey fires in the workbench with no modifier. */
export const LABEL_HOTKEY_GROUP = 'Labels (tag the selection)';

// ---------- matching ----------

interface Descriptor {
  key: string;
  shift: boolean;
  ctrl: boolean;
  alt: boolean;
  meta: boolean;
  /** ctrl on Linux/Windows, cmd on macOS (either is accepted). */
  mod: boolean;
}

const parsed = new Map<string, Descriptor>();

function parse(desc: string): Descriptor {
  const hit = parsed.get(desc);
  if (hit) return hit;
  // '+' as the key itself is written 'plus'; a trailing ',' / '.' after 'shift+' is the key.
  const parts = desc.split('+');
  const key = parts.pop() as string;
  const d: Descriptor = { key, shift: false, ctrl: false, alt: false, meta: false, mod: false };
  for (const p of parts) {
    if (p === 'shift' || p === 'ctrl' || p === 'alt' || p === 'meta' || p === 'mod') d[p] = true;
  }
  parsed.set(desc, d);
  return d;
}

const CODE_KEYS: Record<string, string> = {
  Comma: ',',
  Period: '.',
  Slash: '/',
  BracketLeft: '[',
  BracketRight: ']',
  Minus: '-',
  Equal: '=',
  Space: 'space',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Backquote: '`',
};

/** The physical key without shift: 'KeyJ' → 'j', 'Digit1' → '1', 'Comma' → ','. Layout-independent for letters. */
function baseKey(e: KeyboardEvent): string {
  const c = e.code ?? '';
  let m = /^Key([A-Z])$/.exec(c);
  if (m) return m[1].toLowerCase();
  m = /^Digit([0-9])$/.exec(c);
  if (m) return m[1];
  if (CODE_KEYS[c]) return CODE_KEYS[c];
  const k = e.key ?? '';
  if (k === ' ') return 'space';
  return k.toLowerCase();
}

function modsMatch(e: KeyboardEvent, d: Descriptor): boolean {
  if (d.mod) {
    if (!(e.ctrlKey || e.metaKey)) return false;
  } else if (e.ctrlKey !== d.ctrl || e.metaKey !== d.meta) return false;
  return e.altKey === d.alt;
}

export function matchesKey(e: KeyboardEvent, desc: string): boolean {
  const d = parse(desc);
  if (!modsMatch(e, d)) return false;
  if (baseKey(e) === d.key && e.shiftKey === d.shift) return true;
  // Symbols typed as characters ('?' is shift+/ on one layout, something else on another): match the character.
  if (!d.shift && d.key.length === 1 && !/[a-z0-9]/.test(d.key) && e.key === d.key) return true;
  return false;
}

export function findAction(e: KeyboardEvent, scopes: readonly Scope[]): ActionId | null {
  return findActions(e, scopes)[0] ?? null;
}

/**
 * Every action the key is bound to in these scopes, in the table's order. A key may mean two things in one scope on
 * purpose (`d`: reject the selected suggestion, else review done): the first whose handler takes the key wins.
 */
export function findActions(e: KeyboardEvent, scopes: readonly Scope[]): ActionId[] {
  const ids: ActionId[] = [];
  for (const scope of scopes) {
    for (const b of BINDINGS) {
      if (b.scope !== scope) continue;
      if (b.keys.some((k) => matchesKey(e, k))) ids.push(b.id);
    }
  }
  return ids;
}

/**
 * Keys bound to more than one action of a scope where that is not meant: a duplicate (plus 'global' under each view) is
 * allowed only for the pairs in SHARED_KEYS. The help overlay shows any it finds, so a new binding cannot hide an old one
 * unnoticed.
 */
const SHARED_KEYS: readonly (readonly [ActionId, ActionId])[] = [['rejectSuggestion', 'reviewDone']];

export function keyConflicts(): string[] {
  const out: string[] = [];
  const scopes = [...new Set(BINDINGS.map((b) => b.scope))];
  for (const scope of scopes) {
    const seen = new Map<string, ActionId>();
    for (const b of BINDINGS) {
      if (b.scope !== scope) continue;
      for (const k of b.keys) {
        const before = seen.get(k);
        if (before && !SHARED_KEYS.some(([x, y]) => (x === before && y === b.id) || (x === b.id && y === before))) {
          out.push(`${formatKey(k)} in ${scope}: ${before} and ${b.id}`);
        }
        if (!before) seen.set(k, b.id);
      }
    }
  }
  return out;
}

/** The label whose hotkey this is (plain key, no modifiers), among labels not retired. */
export function findLabelHotkey(e: KeyboardEvent, labels: readonly Label[]): Label | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return null;
  const k = baseKey(e);
  return labels.find((l) => !l.retired && l.hotkey === k) ?? null;
}

/** Plain single keys the workbench already uses; a label hotkey must not be one of them. */
export function reservedWorkbenchKeys(): Set<string> {
  const s = new Set<string>();
  for (const b of BINDINGS) {
    // Label hotkeys fire only where the workbench keys do; the library's and adjudication's keys never meet them.
    if (b.scope === 'library' || b.scope === 'team') continue;
    for (const k of b.keys) if (/^[a-z0-9]$/.test(k)) s.add(k);
  }
  return s;
}

export function bindingFor(id: ActionId): Binding {
  return BINDINGS.find((b) => b.id === id) as Binding;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

const KEY_NAMES: Record<string, string> = {
  arrowdown: '↓',
  arrowup: '↑',
  arrowleft: '←',
  arrowright: '→',
  escape: 'Esc',
  enter: 'Enter',
  space: 'Space',
  delete: 'Del',
  backspace: '⌫',
  home: 'Home',
  end: 'End',
};

/** For display: 'mod+shift+z' → 'Ctrl Shift Z' (or ⌘⇧Z on macOS). */
export function formatKey(desc: string): string {
  const d = parse(desc);
  const parts: string[] = [];
  if (d.mod) parts.push(isMac ? '⌘' : 'Ctrl');
  if (d.ctrl) parts.push(isMac ? '⌃' : 'Ctrl');
  if (d.meta) parts.push(isMac ? '⌘' : 'Meta');
  if (d.alt) parts.push(isMac ? '⌥' : 'Alt');
  if (d.shift) parts.push(isMac ? '⇧' : 'Shift');
  parts.push(KEY_NAMES[d.key] ?? (d.key.length === 1 ? d.key.toUpperCase() : d.key));
  return parts.join(isMac ? '' : '+');
}

/** Short hint for a button's title: 'Undo (Ctrl+Z)'. */
export function hint(id: ActionId): string {
  const b = bindingFor(id);
  return `${b.description} (${b.keys.map(formatKey).join(' / ')})`;
}

// ---------- dispatch ----------

export type Handlers = Partial<Record<ActionId, (e: KeyboardEvent) => void | boolean>> & {
  /** A label hotkey was pressed. */
  label?: (label: Label, e: KeyboardEvent) => void;
};

interface Registration {
  scope: Scope;
  handlers: { current: Handlers };
}

const registrations: Registration[] = [];
let labelSource: () => readonly Label[] = () => [];
/** An overlay (help, palette, dialog) takes the keyboard: only its own handler and Esc run. */
let overlayHandler: ((e: KeyboardEvent) => boolean) | null = null;

export function setLabelSource(fn: () => readonly Label[]): void {
  labelSource = fn;
}

export function setOverlayHandler(fn: ((e: KeyboardEvent) => boolean) | null): void {
  overlayHandler = fn;
}

/** Registers what actions do while the calling component is mounted. The latest registration of a scope wins. */
export function useHotkeys(scope: Scope, handlers: Handlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const reg: Registration = { scope, handlers: ref };
    registrations.push(reg);
    return () => {
      const i = registrations.indexOf(reg);
      if (i >= 0) registrations.splice(i, 1);
    };
  }, [scope]);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(type);
  }
  return false;
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing) return;
  if (overlayHandler) {
    if (overlayHandler(e)) e.preventDefault();
    return;
  }
  if (isTyping(e.target)) {
    if (e.key === 'Escape') (e.target as HTMLElement).blur();
    return;
  }
  // Newest registration first: a view's handlers beat the app shell's.
  const active = [...registrations].reverse();
  const scopes = [...new Set(active.map((r) => r.scope))];
  // View scopes before global, so Escape etc. can be overridden by a view.
  scopes.sort((a, b) => (a === 'global' ? 1 : 0) - (b === 'global' ? 1 : 0));
  for (const scope of scopes) {
    // A view may take over a global key (Esc in the workbench clears the selection before going back).
    for (const id of findActions(e, scope === 'global' ? ['global'] : [scope, 'global'])) {
      for (const r of active) {
        if (r.scope !== scope) continue;
        const h = r.handlers.current[id];
        if (h && h(e) !== false) {
          e.preventDefault();
          return;
        }
      }
    }
    if (scope === 'workbench') {
      const label = findLabelHotkey(e, labelSource());
      if (label) {
        const r = active.find((x) => x.scope === 'workbench' && x.handlers.current.label);
        if (r?.handlers.current.label) {
          r.handlers.current.label(label, e);
          e.preventDefault();
          return;
        }
      }
    }
  }
}

export function installHotkeys(): () => void {
  window.addEventListener('keydown', onKeyDown);
  return () => window.removeEventListener('keydown', onKeyDown);
}
