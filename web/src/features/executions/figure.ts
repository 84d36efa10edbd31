// Figures as files: an SVG's size (for its aspect ratio), PNG rendering in the browser (the SVG drawn
// on a canvas), and saving a Blob under a file name.

/** A length in CSS pixels from an SVG attribute ("460.8pt", "300", "12cm"); null when unusable. */
function length(value: string | null): number | null {
  if (!value) return null;
  const m = /^\s*([0-9.eE+-]+)\s*(px|pt|pc|mm|cm|in)?\s*$/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  const unit: Record<string, number> = { px: 1, pt: 4 / 3, pc: 16, mm: 96 / 25.4, cm: 96 / 2.54, in: 96 };
  return Number.isFinite(n) && n > 0 ? n * unit[m[2] ?? 'px'] : null;
}

/** The SVG's intrinsic size in CSS pixels: width/height, else the viewBox; 640×480 when neither says. */
export function svgSize(svg: string): { width: number; height: number } {
  const open = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? '';
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(open)?.[1] ?? null;
  const w = length(attr('width'));
  const h = length(attr('height'));
  const box = (attr('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  const bw = box.length === 4 && box[2] > 0 ? box[2] : null;
  const bh = box.length === 4 && box[3] > 0 ? box[3] : null;
  if (w && h) return { width: w, height: h };
  if (bw && bh) return w ? { width: w, height: (w * bh) / bw } : h ? { width: (h * bw) / bh, height: h } : { width: bw, height: bh };
  return { width: 640, height: 480 };
}

/** A file name from a figure title: letters, digits, '-', '_' and '.', never empty. */
export function fileName(title: string, fallback: string, ext: string): string {
  const base = title.trim().replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 80);
  return `${base || fallback}.${ext}`;
}

/** Saves `blob` as a download named `name` (an object URL on a temporary link). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The SVG rendered to PNG at its aspect ratio, `scale` times its size (the browser draws it; no script in it runs). */
export function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const { width, height } = svgSize(svg);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext('2d');
      if (!ctx) return reject(new Error('This browser cannot draw on a canvas'));
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, w, h);
      ctx.drawImage(image, 0, 0, w, h);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The figure could not be turned into PNG'))), 'image/png');
    };
    image.onerror = () => reject(new Error('The figure could not be drawn'));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}

/** A canvas's picture as PNG (the 3-D view as it is turned now). */
export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The view could not be turned into PNG'))), 'image/png'));
}
