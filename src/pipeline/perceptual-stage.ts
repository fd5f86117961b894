import { decodeForPdq, type PdqDecodeMode } from '../adapters/pdq-image-decoder.js';
import { renderImageThumbnails } from '../adapters/thumbnail-renderer.js';
import type { ProcessedEntry } from '../domain/entry.js';
import { PDQ_MIN_QUALITY, pdqFromRgb } from '../hashing/pdq.js';

/** Formats sharp/libvips decodes; other image types (e.g. icons, raw camera files) are skipped, not failed. */
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/tiff', 'image/avif', 'image/heic', 'image/heif', 'image/bmp', 'image/jxl']);

const firstLine = (err: unknown) => (err as Error).message.split('\n')[0];

/**
 * The picture stage: decode a picture once, compute its PDQ hash from those pixels and make the review thumbnails
 * (clear + blurred greyscale) from the same pixels — no second decode. A picture that does not decode is recorded
 * with the decoder's message (the scan goes on). Hashes below quality 50 are kept but marked unusable for matching
 * (HMA's rule). Thumbnails are shown upright: the EXIF orientation read by the metadata stage is applied to them
 * (never to the hash, which like every reference ignores orientation).
 */
export async function addPictureDerivatives(entry: ProcessedEntry, input: string | Buffer, mode: PdqDecodeMode): Promise<void> {
  const mime = entry.type?.mime ?? null;
  if (!mime || !DECODABLE.has(mime)) {
    entry.stages.pdq = 'skipped';
    entry.stages.thumbnail = 'skipped';
    return;
  }
  let pixels: Awaited<ReturnType<typeof decodeForPdq>>;
  try {
    pixels = await decodeForPdq(input, { mode });
  } catch (err) {
    entry.perceptual = null;
    entry.stages.pdq = 'failed';
    entry.stages.thumbnail = 'failed';
    if (!entry.error) {
      entry.error = `image does not decode: ${firstLine(err)}`;
      entry.errorCode = 'EDECODE';
    }
    return;
  }
  const r = pdqFromRgb(pixels.data, pixels.width, pixels.height, pixels.channels);
  entry.perceptual = { algorithm: 'pdq', hash: r.hash, quality: r.quality, mode: pixels.mode, usable: r.quality >= PDQ_MIN_QUALITY };
  entry.stages.pdq = 'done';
  try {
    const t = await renderImageThumbnails(
      { raw: pixels.data, width: pixels.width, height: pixels.height, channels: pixels.channels },
      { orientation: entry.media?.orientation ?? null },
    );
    entry.thumbnail = { kind: 'image', format: t.format, width: t.width, height: t.height, safe: t.safe, clear: t.clear };
    entry.stages.thumbnail = 'done';
  } catch (err) {
    entry.stages.thumbnail = 'failed';
    if (!entry.error) {
      entry.error = `thumbnail: ${firstLine(err)}`;
      entry.errorCode = 'ETHUMBNAIL';
    }
  }
}
