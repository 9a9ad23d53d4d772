// The video player's state, and the commands other parts of the workbench send it (hotkeys, the timeline, tag clicks).
// The video panel attaches a controller when its player is ready; commands before that are remembered (a seek
// requested while a clip loads happens once it can).

import { createStore } from './create-store.ts';

export interface PlayerController {
  play(): void;
  pause(): void;
  seek(t: number): void;
  setRate(rate: number): void;
}

export const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2] as const;
const FPS_KEY = 'cotscope.clipFps';

function storedFps(): number {
  try {
    const v = Number(localStorage.getItem(FPS_KEY));
    return Number.isFinite(v) && v > 0 && v <= 240 ? v : 10;
  } catch {
    return 10;
  }
}

interface PlayerState {
  currentTime: number;
  duration: number | null;
  playing: boolean;
  rate: number;
  /** The clip's frame rate as measured from presented frames (requestVideoFrameCallback), if it could be. */
  detectedFps: number | null;
  /** The frame rate to assume when it cannot be measured (settings; the demo clips are 10 fps). */
  assumedFps: number;
  error: string | null;
  controller: PlayerController | null;
  pendingSeek: number | null;

  attach(c: PlayerController | null): void;
  /** Called when a player for a new clip is created. Rollouts of one sample share the clip, and its position. */
  reset(): void;
  report(patch: Partial<Pick<PlayerState, 'currentTime' | 'duration' | 'playing' | 'rate' | 'detectedFps' | 'error'>>): void;
  togglePlay(): void;
  seek(t: number): void;
  stepFrames(n: number): void;
  stepSeconds(s: number): void;
  setRate(r: number): void;
  changeRate(dir: 1 | -1): void;
  setAssumedFps(fps: number): void;
}

export const usePlayer = createStore<PlayerState>('player', (set, get) => ({
  currentTime: 0,
  duration: null,
  playing: false,
  rate: 1,
  detectedFps: null,
  assumedFps: storedFps(),
  error: null,
  controller: null,
  pendingSeek: null,

  attach(c) {
    set({ controller: c });
    const p = get().pendingSeek;
    if (c && p !== null) {
      c.seek(p);
      set({ pendingSeek: null });
    }
    if (c) c.setRate(get().rate);
  },
  reset() {
    // A new clip: forget the old one's time, length, rate measurement and error (a seek asked for meanwhile stays).
    set({ currentTime: 0, duration: null, playing: false, detectedFps: null, error: null });
  },
  report(patch) {
    set(patch);
  },
  togglePlay() {
    const c = get().controller;
    if (!c) return;
    if (get().playing) c.pause();
    else c.play();
  },
  seek(t) {
    const { duration, controller } = get();
    const clamped = Math.max(0, duration ? Math.min(t, duration) : t);
    if (!controller) {
      set({ pendingSeek: clamped });
      return;
    }
    controller.seek(clamped);
    set({ currentTime: clamped });
  },
  stepFrames(n) {
    const { controller, currentTime } = get();
    if (!controller) return;
    controller.pause();
    const fps = effectiveFps(get());
    // Snap to the frame grid first, so repeated steps land exactly on frames (0.1, 0.2, … at 10 fps).
    const frame = Math.round(currentTime * fps) + n;
    get().seek(Math.max(0, frame) / fps);
  },
  stepSeconds(s) {
    get().seek(get().currentTime + s);
  },
  setRate(r) {
    set({ rate: r });
    get().controller?.setRate(r);
  },
  changeRate(dir) {
    const i = RATES.findIndex((r) => r >= get().rate);
    const cur = i < 0 ? RATES.length - 1 : i;
    const next = RATES[Math.max(0, Math.min(RATES.length - 1, cur + dir))];
    get().setRate(next);
  },
  setAssumedFps(fps) {
    try {
      localStorage.setItem(FPS_KEY, String(fps));
    } catch {
      /* private mode: keep it for this session only */
    }
    set({ assumedFps: fps });
  },
}));

export function effectiveFps(s: Pick<PlayerState, 'detectedFps' | 'assumedFps'>): number {
  return s.detectedFps ?? s.assumedFps;
}
