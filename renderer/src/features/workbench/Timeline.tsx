import { useEffect, useMemo, useRef, useState } from 'react';
import type { FrameMapping, Label, ResponseDetail, Tag } from '../../../../shared/api.ts';
import { effectiveFps, usePlayer } from '../../stores/player.ts';
import { useRoute } from '../../stores/route.ts';
import { chainTags, useWb, useWorkbenchStore } from '../../stores/workbench.ts';
import { clipStartFrame, formatTime, narrationSegments, observationTime, sampledFrameTimes } from './timeline-math.ts';

const NARRATION_FILLS = ['#dbe7fb', '#dcf3e3', '#fbefd0', '#f8e0ec', '#e4e2fb', '#d6f1ef', '#f3e3d6'];
const PAD_X = 8;
const AXIS_H = 16;
const NARR_Y = 18;
const NARR_H = 28;
const SAMPLE_Y = NARR_Y + NARR_H + 5;
const SAMPLE_H = 10;
const TAG_Y = SAMPLE_Y + SAMPLE_H + 6;
const LANE_H = 9;
const MAX_LANES = 4;

/** Packs time ranges into lanes so that overlapping tags don't hide each other. */
function lanes(tags: Tag[]): { tag: Tag; lane: number }[] {
  const ends: number[] = [];
  return tags
    .filter((t) => t.time)
    .sort((a, b) => (a.time as [number, number])[0] - (b.time as [number, number])[0])
    .map((tag) => {
      const [t0, t1] = tag.time as [number, number];
      let lane = ends.findIndex((e) => e <= t0 - 0.05);
      if (lane < 0) lane = ends.length < MAX_LANES ? ends.length : MAX_LANES - 1;
      ends[lane] = Math.max(t1, t0 + 0.2);
      return { tag, lane };
    });
}

function tickStep(duration: number): number {
  if (duration <= 16) return 1;
  if (duration <= 40) return 2;
  if (duration <= 120) return 5;
  if (duration <= 600) return 30;
  return 60;
}

export function Timeline({ detail, mapping, labels }: { detail: ResponseDetail; mapping: FrameMapping; labels: Label[] }) {
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(520);
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, el.clientWidth)));
    ro.observe(el);
    setWidth(Math.max(200, el.clientWidth));
    return () => ro.disconnect();
  }, []);

  const currentTime = usePlayer((s) => s.currentTime);
  const playerDuration = usePlayer((s) => s.duration);
  const fps = usePlayer(effectiveFps);
  const wb = useWorkbenchStore();
  const pendingIn = useWb((s) => s.pendingIn);
  const pendingOut = useWb((s) => s.pendingOut);
  const selectedTag = useWb((s) => s.selectedTag);

  const sample = detail.sample;
  const segments = useMemo(() => narrationSegments(sample, mapping), [sample, mapping]);
  const obsT = observationTime(sample, mapping);
  const start = clipStartFrame(sample, mapping);
  const hasVideo = !!detail.video?.expected && !!detail.video.present;
  const duration = playerDuration ?? Math.max(1, obsT ?? 0, ...segments.map((s) => s.t1));
  const sampled = useMemo(
    () => (hasVideo && playerDuration ? sampledFrameTimes(playerDuration, detail.run.settings, fps) : []),
    [hasVideo, playerDuration, detail.run.settings, fps],
  );
  // People's tags and open suggestions (a decided suggestion lives on, if at all, as someone's tag).
  const tagLanes = useMemo(() => lanes(chainTags(detail.tags)), [detail.tags]);
  const laneCount = Math.min(MAX_LANES, Math.max(1, ...tagLanes.map((l) => l.lane + 1)));
  const height = TAG_Y + laneCount * LANE_H + 4;
  const inner = width - PAD_X * 2;
  const x = (t: number) => PAD_X + (Math.max(0, Math.min(duration, t)) / duration) * inner;
  const labelOf = (key: string) => labels.find((l) => l.key === key);

  const scrubbing = useRef(false);
  const seekAt = (clientX: number) => {
    const svg = wrap.current?.querySelector('svg');
    if (!svg) return;
    const r = svg.getBoundingClientRect();
    const t = ((clientX - r.left - PAD_X) / inner) * duration;
    usePlayer.getState().seek(Math.max(0, Math.min(duration, t)));
  };

  const step = tickStep(duration);
  const ticks: number[] = [];
  for (let t = 0; t <= duration + 1e-6; t += step) ticks.push(t);

  const pendIn = pendingIn ?? pendingOut;
  const pendOut = pendingOut ?? pendingIn;

  return (
    <div className="timeline" ref={wrap} data-testid="timeline">
      <svg
        width={width}
        height={height}
        role="slider"
        aria-label="Timeline: click to seek"
        aria-valuemin={0}
        aria-valuemax={duration}
        aria-valuenow={currentTime}
        onPointerDown={(e) => {
          if (!hasVideo) return;
          scrubbing.current = true;
          (e.currentTarget as SVGSVGElement).setPointerCapture(e.pointerId);
          seekAt(e.clientX);
        }}
        onPointerMove={(e) => scrubbing.current && seekAt(e.clientX)}
        onPointerUp={() => (scrubbing.current = false)}
        className={hasVideo ? 'seekable' : ''}
      >
        {/* axis */}
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} className="tl-grid" />
            <text x={x(t)} y={AXIS_H - 6} className="tl-tick" textAnchor={t === 0 ? 'start' : 'middle'}>
              {t}s
            </text>
          </g>
        ))}

        {/* narrated task progress */}
        <rect x={PAD_X} y={NARR_Y} width={inner} height={NARR_H} className="tl-track" rx={3} />
        {segments.map((s) => {
          const x0 = x(s.t0);
          const w = Math.max(2, x(s.t1) - x0);
          const id = `clip-narr-${detail.id}-${s.index}`;
          return (
            <g key={s.index} data-testid="narration-segment">
              <title>{`${s.index + 1}. ${s.text}\noriginal frames ${s.startFrame}–${s.stopFrame} → ${formatTime(s.t0)}–${formatTime(s.t1)}`}</title>
              <clipPath id={id}>
                <rect x={x0} y={NARR_Y} width={w} height={NARR_H} />
              </clipPath>
              <rect x={x0} y={NARR_Y} width={w} height={NARR_H} fill={NARRATION_FILLS[s.index % NARRATION_FILLS.length]} className="tl-seg" rx={3} />
              <text x={x0 + 4} y={NARR_Y + 11} clipPath={`url(#${id})`} className="tl-seg-num">
                {s.index + 1}
              </text>
              <text x={x0 + 4} y={NARR_Y + 23} clipPath={`url(#${id})`} className="tl-seg-text">
                {s.text}
              </text>
            </g>
          );
        })}
        {segments.length === 0 && (
          <text x={PAD_X + 6} y={NARR_Y + 18} className="tl-empty">
            no narrated task progress
          </text>
        )}

        {/* frames the model sampled */}
        {sampled.map((t, i) => (
          <rect key={i} x={x(t) - 1} y={SAMPLE_Y} width={2} height={SAMPLE_H} className="tl-sample" data-testid="sampled-frame">
            <title>{`model frame ${i + 1} of ${sampled.length} at ${formatTime(t)}`}</title>
          </rect>
        ))}

        {/* pending in/out */}
        {pendIn !== null && pendOut !== null && (
          <g className="tl-pending" data-testid="pending-range">
            <rect x={x(Math.min(pendIn, pendOut))} y={NARR_Y - 2} width={Math.max(2, Math.abs(x(pendOut) - x(pendIn)))} height={height - NARR_Y} />
            {pendingIn !== null && (
              <text x={x(pendingIn)} y={height - 1} className="tl-mark" textAnchor="middle">
                I
              </text>
            )}
            {pendingOut !== null && (
              <text x={x(pendingOut)} y={height - 1} className="tl-mark" textAnchor="middle">
                O
              </text>
            )}
          </g>
        )}

        {/* tags with a time range */}
        {tagLanes.map(({ tag, lane }) => {
          const [t0, t1] = tag.time as [number, number];
          const label = labelOf(tag.label);
          const x0 = x(t0);
          const w = Math.max(3, x(t1) - x0);
          const sel = tag.uuid === selectedTag;
          return (
            <rect
              key={tag.uuid}
              x={x0}
              y={TAG_Y + lane * LANE_H}
              width={w}
              height={LANE_H - 2}
              rx={2}
              fill={tag.origin === 'suggestion' ? 'none' : (label?.color ?? '#888')}
              stroke={tag.origin === 'suggestion' ? (label?.color ?? '#888') : undefined}
              strokeDasharray={tag.origin === 'suggestion' ? '3 2' : undefined}
              className={`tl-tag${sel ? ' selected' : ''}${tag.origin === 'suggestion' ? ' suggestion' : ''}`}
              data-testid="timeline-tag"
              onPointerDown={(e) => {
                e.stopPropagation();
                wb.getState().selectTag(tag.uuid);
                usePlayer.getState().seek(t0);
              }}
            >
              <title>{`${label?.name ?? tag.label}: ${formatTime(t0)}–${formatTime(t1)}${tag.note ? `\n${tag.note}` : ''}`}</title>
            </rect>
          );
        })}

        {/* the observation ("now") and the playhead */}
        {obsT !== null && obsT >= 0 && obsT <= duration + 0.5 && (
          <g className="tl-obs">
            <line x1={x(obsT)} x2={x(obsT)} y1={NARR_Y} y2={SAMPLE_Y + SAMPLE_H} />
            <title>{`current observation: original frame ${sample.currentObservationFrame} → ${formatTime(obsT)}`}</title>
          </g>
        )}
        {hasVideo && (
          <g className="tl-playhead" data-testid="playhead">
            <line x1={x(currentTime)} x2={x(currentTime)} y1={AXIS_H - 2} y2={height} />
            <path d={`M ${x(currentTime) - 4} ${AXIS_H - 4} L ${x(currentTime) + 4} ${AXIS_H - 4} L ${x(currentTime)} ${AXIS_H + 2} Z`} />
          </g>
        )}
      </svg>
      <div className="timeline-caption small muted" data-testid="mapping-caption">
        <span>
          Narration mapped at {mapping.fps} fps from {start.source}: <span className="mono">t = (frame − {start.frame}) / {mapping.fps}</span>.{' '}
          <button className="link" onClick={() => useRoute.getState().openSettings('datasets')} data-testid="mapping-adjust">
            adjust
          </button>
        </span>
        {sampled.length > 0 && (
          <span>
            <span className="legend-sample" /> {sampled.length} frames the model saw ({detail.run.settings.sampleFps} fps, {detail.run.settings.minFrames}–
            {detail.run.settings.maxFrames})
          </span>
        )}
      </div>
    </div>
  );
}
