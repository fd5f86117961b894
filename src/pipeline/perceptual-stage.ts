import { pdqHashImage, type PdqDecodeMode } from '../adapters/pdq-image-decoder.js';
import type { ProcessedEntry } from '../domain/entry.js';
import { PDQ_MIN_QUALITY } from '../hashing/pdq.js';

/** Formats sharp/libvips decodes; other image types (e.g. icons, raw camera files) are skipped, not failed. */
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/tiff', 'image/avif', 'image/heic', 'image/heif', 'image/bmp', 'image/jxl']);

/**
 * The perceptual stage: decode a picture once and compute its PDQ hash. A picture that does not decode is
 * recorded with the decoder's message (the scan goes on). Hashes below quality 50 are kept but marked unusable for
 * matching (HMA's rule).
 */
export async function addPdq(entry: ProcessedEntry, input: string | Buffer, mode: PdqDecodeMode): Promise<void> {
  const mime = entry.type?.mime ?? null;
  if (!mime || !DECODABLE.has(mime)) {
    entry.stages.pdq = 'skipped';
    return;
  }
  try {
    const r = await pdqHashImage(input, { mode });
    entry.perceptual = { algorithm: 'pdq', hash: r.hash, quality: r.quality, mode: r.mode, usable: r.quality >= PDQ_MIN_QUALITY };
    entry.stages.pdq = 'done';
  } catch (err) {
    entry.perceptual = null;
    entry.stages.pdq = 'failed';
    const message = `image does not decode: ${(err as Error).message.split('\n')[0]}`;
    if (!entry.error) {
      entry.error = message;
      entry.errorCode = 'EDECODE';
    }
  }
}
