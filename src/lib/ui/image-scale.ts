// Pictures from a camera are often 12 megapixels and several megabytes; a chat needs far less.
// Scale down to at most MAX_SIDE on the long side and re-encode; small images are kept as they are.
const MAX_SIDE = 2048;
const KEEP_BELOW_BYTES = 300_000;

export interface ScaledImage {
  blob: Blob;
  width: number;
  height: number;
}

export async function scaleImage(file: Blob): Promise<ScaledImage> {
  if (!file.type.startsWith('image/')) throw new Error('not-an-image');
  const bitmap = await createImageBitmap(file);
  try {
    const { width, height } = bitmap;
    const ratio = Math.min(1, MAX_SIDE / Math.max(width, height));
    if (ratio === 1 && file.size <= KEEP_BELOW_BYTES) return { blob: file, width, height };
    const w = Math.max(1, Math.round(width * ratio));
    const h = Math.max(1, Math.round(height * ratio));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) return { blob: file, width, height };
    ctx.drawImage(bitmap, 0, 0, w, h);
    const type = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
    const blob = await canvas.convertToBlob({ type, quality: 0.88 });
    return blob.size < file.size ? { blob, width: w, height: h } : { blob: file, width, height };
  } finally {
    bitmap.close();
  }
}
