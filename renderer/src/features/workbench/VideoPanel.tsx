import { useEffect, useRef, useState } from 'react';
import videojsModule from 'video.js/core.es.js';
import type { MediaInfo } from '../../../../shared/api.ts';
import { mediaUrl } from '../../api.ts';
import { hint } from '../../hotkeys.ts';
import { effectiveFps, RATES, usePlayer } from '../../stores/player.ts';
import { useRoute } from '../../stores/route.ts';

// video.js is a CommonJS package to TypeScript's NodeNext resolution (its types sit behind `.default`), while Vite
// bundles its ES build (the function itself). Accept both shapes.
const videojs = ((videojsModule as unknown as { default?: unknown }).default ?? videojsModule) as typeof videojsModule.default;
type VjsPlayer = ReturnType<typeof videojs>;

interface FrameMeta {
  mediaTime: number;
  presentedFrames: number;
}
type FrameVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: FrameMeta) => void) => number;
  cancelVideoFrameCallback?: (h: number) => void;
};

const MEDIA_ERRORS: Record<number, string> = {
  1: 'loading was aborted',
  2: 'a network error stopped the download',
  3: 'the file could not be decoded',
  4: 'the file is missing or its format is not supported',
};

/** Measures the clip's frame rate from the timestamps of frames presented one after another. */
function makeFpsMeter(onFps: (fps: number) => void) {
  let lastTime = -1;
  let lastFrames = -1;
  const deltas: number[] = [];
  let done = false;
  return (meta: FrameMeta) => {
    if (done) return;
    if (lastFrames >= 0 && meta.presentedFrames === lastFrames + 1) {
      const d = meta.mediaTime - lastTime;
      if (d > 0.002 && d < 1.5) deltas.push(d);
    }
    lastTime = meta.mediaTime;
    lastFrames = meta.presentedFrames;
    if (deltas.length >= 9) {
      const sorted = [...deltas].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const agree = sorted.filter((d) => Math.abs(d - median) < median * 0.1).length;
      if (agree >= 6) {
        const fps = 1 / median;
        const rounded = Math.abs(fps - Math.round(fps)) < 0.06 ? Math.round(fps) : Math.round(fps * 100) / 100;
        if (rounded >= 1 && rounded <= 240) onFps(rounded);
        done = true;
      } else deltas.splice(0, deltas.length);
    }
  };
}

/** The video.js player. React owns the holder; video.js owns what is inside it. */
function Player({ src }: { src: string }) {
  const holder = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const host = holder.current;
    if (!host) return;
    const el = document.createElement('video') as FrameVideo;
    el.className = 'video-js';
    el.setAttribute('playsinline', '');
    el.setAttribute('data-testid', 'video');
    el.muted = true; // the clips carry no sound; muted playback is never blocked by autoplay rules
    host.appendChild(el);

    const player: VjsPlayer = videojs(el, {
      controls: false,
      preload: 'auto',
      muted: true,
      fill: true,
      bigPlayButton: false,
      errorDisplay: false,
      textTrackDisplay: false,
      textTrackSettings: false,
      loadingSpinner: true,
      userActions: { doubleClick: false, hotkeys: false, click: false },
      playbackRates: [...RATES],
      sources: [{ src, type: 'video/mp4' }],
    });

    const store = usePlayer.getState();
    store.reset();
    const tech = (): FrameVideo => (player.el()?.querySelector('video') as FrameVideo | null) ?? el;
    tech().setAttribute('data-testid', 'video');

    const report = usePlayer.getState().report;
    const now = () => Number(player.currentTime()) || 0;
    const meter = makeFpsMeter((fps) => report({ detectedFps: fps }));
    let frameHandle: number | null = null;
    let rafHandle: number | null = null;

    // While playing, follow presented frames (exact media time) where the browser can, else animation frames.
    const follow = () => {
      const v = tech();
      if (v.requestVideoFrameCallback) {
        const cb = (_now: number, meta: FrameMeta) => {
          meter(meta);
          report({ currentTime: meta.mediaTime });
          frameHandle = v.requestVideoFrameCallback!(cb);
        };
        frameHandle = v.requestVideoFrameCallback(cb);
      } else {
        const tick = () => {
          report({ currentTime: now() });
          rafHandle = requestAnimationFrame(tick);
        };
        rafHandle = requestAnimationFrame(tick);
      }
    };
    const unfollow = () => {
      const v = tech();
      if (frameHandle !== null && v.cancelVideoFrameCallback) v.cancelVideoFrameCallback(frameHandle);
      if (rafHandle !== null) cancelAnimationFrame(rafHandle);
      frameHandle = rafHandle = null;
    };

    player.on('play', () => {
      report({ playing: true, error: null });
      unfollow();
      follow();
    });
    player.on(['pause', 'ended'], () => {
      unfollow();
      report({ playing: false, currentTime: now() });
    });
    player.on(['seeked', 'timeupdate'], () => {
      if (player.paused()) report({ currentTime: now() });
    });
    player.on(['loadedmetadata', 'durationchange'], () => {
      const d = Number(player.duration());
      report({ duration: Number.isFinite(d) && d > 0 ? d : null, error: null });
    });
    player.on('ratechange', () => report({ rate: Number(player.playbackRate()) || 1 }));
    player.on('error', () => {
      const err = player.error();
      const why = err ? (MEDIA_ERRORS[err.code] ?? err.message ?? `error ${err.code}`) : 'unknown error';
      report({ error: `This video cannot be played: ${why}.`, playing: false });
    });

    store.attach({
      play: () => {
        const p = player.play();
        if (p && typeof (p as Promise<void>).catch === 'function') (p as Promise<void>).catch(() => report({ playing: false }));
      },
      pause: () => player.pause(),
      seek: (t) => {
        player.currentTime(t);
      },
      setRate: (r) => {
        player.playbackRate(r);
      },
    });

    return () => {
      unfollow();
      usePlayer.getState().attach(null);
      player.dispose();
    };
  }, [src]);

  return <div className="player-holder" ref={holder} />;
}

function Controls() {
  const playing = usePlayer((s) => s.playing);
  const currentTime = usePlayer((s) => s.currentTime);
  const duration = usePlayer((s) => s.duration);
  const rate = usePlayer((s) => s.rate);
  const fps = usePlayer(effectiveFps);
  const detected = usePlayer((s) => s.detectedFps !== null);
  const p = usePlayer.getState();
  const frame = Math.round(currentTime * fps);
  return (
    <div className="player-controls" data-testid="player-controls">
      <button className="btn btn-icon-text play-btn" onClick={() => p.togglePlay()} title={hint('playPause')} data-testid="play">
        {playing ? '❚❚' : '▶'}
      </button>
      <div className="btn-group">
        <button className="btn btn-small" onClick={() => p.stepSeconds(-1)} title={hint('secondBack')} data-testid="second-back">
          −1s
        </button>
        <button className="btn btn-small" onClick={() => p.stepFrames(-1)} title={hint('frameBack')} data-testid="frame-back">
          ◂ fr
        </button>
        <button className="btn btn-small" onClick={() => p.stepFrames(1)} title={hint('frameForward')} data-testid="frame-forward">
          fr ▸
        </button>
        <button className="btn btn-small" onClick={() => p.stepSeconds(1)} title={hint('secondForward')} data-testid="second-forward">
          +1s
        </button>
      </div>
      <span className="time-display mono" data-testid="current-time">
        {currentTime.toFixed(2)}
        <span className="muted">/{duration === null ? '–' : duration.toFixed(2)} s</span>
      </span>
      <span
        className="frame-display mono small"
        title={`Frame at ${fps} fps — ${detected ? 'measured from the frames the browser presented' : 'assumed (Settings → Player) until the clip plays and its rate is measured'}`}
        data-testid="current-frame"
      >
        fr {frame}
        <span className="muted">
          {' '}
          @{fps}
          {detected ? '' : '?'}
        </span>
      </span>
      <span className="header-spacer" />
      <select className="select select-small" value={rate} onChange={(e) => (p.setRate(Number(e.target.value)), e.currentTarget.blur())} title="Playback speed (- / =)" data-testid="speed">
        {RATES.map((r) => (
          <option key={r} value={r}>
            {r}×
          </option>
        ))}
      </select>
    </div>
  );
}

function MediaMessage({ children, tone = 'muted' }: { children: React.ReactNode; tone?: 'muted' | 'warn' | 'bad' }) {
  return (
    <div className={`media-message media-message-${tone}`} data-testid="media-message">
      {children}
    </div>
  );
}

/** The task-progress clip, or a clear reason why there is none. */
export function VideoPanel({ video }: { video: MediaInfo | null }) {
  const error = usePlayer((s) => s.error);
  if (!video || !video.expected) {
    return (
      <div className="video-panel">
        <MediaMessage>
          <strong>This question has no video, only the observation image.</strong>
          <div className="small">Its task progress is empty: nothing was done yet when the question is asked.</div>
        </MediaMessage>
      </div>
    );
  }
  if (!video.present) {
    return (
      <div className="video-panel">
        <MediaMessage tone="warn">
          <strong>The video file is missing.</strong>
          <div className="small mono">{video.relPath}</div>
          <div className="small">
            It is not under the dataset’s data root.{' '}
            <button className="link" onClick={() => useRoute.getState().openSettings('datasets')}>
              Point the dataset at its data root
            </button>
          </div>
        </MediaMessage>
      </div>
    );
  }
  return (
    <div className="video-panel">
      <div className="video-frame">
        <Player src={mediaUrl(video.id)} key={video.id} />
        {error && (
          <MediaMessage tone="bad">
            <strong>{error}</strong>
            <div className="small mono">{video.relPath}</div>
          </MediaMessage>
        )}
      </div>
      <Controls />
    </div>
  );
}

export function ObservationImage({ image, frame }: { image: MediaInfo | null; frame: number | null }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [image?.id]);
  let body: React.ReactNode;
  if (!image || !image.expected) body = <MediaMessage>This question has no observation image.</MediaMessage>;
  else if (!image.present)
    body = (
      <MediaMessage tone="warn">
        <strong>The observation image is missing.</strong>
        <div className="small mono">{image.relPath}</div>
      </MediaMessage>
    );
  else if (failed)
    body = (
      <MediaMessage tone="bad">
        <strong>The observation image could not be loaded.</strong>
        <div className="small mono">{image.relPath}</div>
      </MediaMessage>
    );
  else body = <img className="observation-img" src={mediaUrl(image.id)} alt="Current observation" onError={() => setFailed(true)} data-testid="observation-image" />;
  return (
    <figure className="observation">
      {body}
      <figcaption className="small muted">
        Current observation{frame !== null ? ` · original frame ${frame}` : ''} — what the model sees as “now”
      </figcaption>
    </figure>
  );
}
