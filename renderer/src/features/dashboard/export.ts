// A chart as a file: SVG with every style it draws with written into the elements (the stylesheet is not in the
// file, so without this text would fall back to black Times and bars to black), and PNG drawn from that SVG onto a
// canvas at twice the size.

/** The presentation properties our charts use; copied from the computed style of each element. */
const PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'visibility',
  'display',
] as const;

/** A standalone copy of a chart's <svg>: styles inlined, size fixed, a white background, the XML namespace. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copy = [clone, ...Array.from(clone.querySelectorAll('*'))];
  const computed = new Map<Element, CSSStyleDeclaration>();
  const style = (el: Element) => {
    let cs = computed.get(el);
    if (!cs) computed.set(el, (cs = window.getComputedStyle(el)));
    return cs;
  };
  live.forEach((el, i) => {
    const out = copy[i] as SVGElement;
    const cs = style(el);
    const parent = i === 0 || !el.parentElement ? null : style(el.parentElement);
    // The root carries every property; below it only what differs from the parent (inherited) or from the default
    // (opacity, display): the same picture in a tenth of the bytes.
    const decl = PROPS.filter((p) => {
      const v = cs.getPropertyValue(p);
      if (!parent) return true;
      if (p === 'opacity') return v !== '1';
      if (p === 'display') return v === 'none';
      return v !== parent.getPropertyValue(p);
    }).map((p) => `${p}:${cs.getPropertyValue(p)}`);
    if (decl.length) out.setAttribute('style', decl.join(';'));
    else out.removeAttribute('style');
    // Interaction-only attributes mean nothing in a file.
    for (const a of ['tabindex', 'data-drill', 'class']) out.removeAttribute(a);
  });
  const vb = svg.viewBox.baseVal;
  const width = vb && vb.width ? vb.width : svg.clientWidth;
  const height = vb && vb.height ? vb.height : svg.clientHeight;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportSvg(svg: SVGSVGElement, name: string): void {
  download(new Blob([standaloneSvg(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
}

export async function exportPng(svg: SVGSVGElement, name: string, scale = 2): Promise<void> {
  const text = standaloneSvg(svg);
  const vb = svg.viewBox.baseVal;
  const width = vb && vb.width ? vb.width : svg.clientWidth;
  const height = vb && vb.height ? vb.height : svg.clientHeight;
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const g = canvas.getContext('2d');
  if (!g) throw new Error('This window cannot draw on a canvas');
  g.scale(scale, scale);
  g.drawImage(img, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The chart could not be turned into a PNG');
  download(blob, `${name}.png`);
}
