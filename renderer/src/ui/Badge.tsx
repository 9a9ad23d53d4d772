import type { ReactNode } from 'react';

export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted';

export function Badge({ tone, children, title, testId }: { tone: Tone; children: ReactNode; title?: string; testId?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}

/** A label's colour as a small square; the name is always given in text too (never colour alone). */
export function Swatch({ color, size = 10 }: { color: string; size?: number }) {
  return <span className="swatch" style={{ background: color, width: size, height: size }} aria-hidden="true" />;
}
