/**
 * Loader of Winnow's C addon (`native/`, built by `npm run build:native`, which `npm install` runs). The addon
 * holds the few things JavaScript cannot do: multi-buffer MD5 (SIMD over many files at once) and memory advice
 * (huge pages for large lookup tables). Callers use `loadNativeAddon()`; a missing build is reported with the
 * command that makes it, never silently replaced (callers that have a slower pure-JS path decide themselves).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Functions the addon exports (each module of native/src registers its own). */
export interface WinnowNativeAddon {
  /** MD5 of each message, 16 bytes each into `out` (see hashing/md5-multibuffer.ts). */
  md5Many(messages: readonly Uint8Array[], out: Uint8Array, implementation?: string): void;
  /** Implementations this CPU can run, fastest first (e.g. ['avx512', 'avx2', 'scalar']). */
  md5Implementations(): string[];
  /** Ask the kernel to back the view's memory with huge pages (see native/src/memory_advice.c). */
  adviseHugePages(view: ArrayBufferView): { advised: boolean; collapsed: boolean; reason: string | null };
}

/** The package root, found from this file (dist/src/adapters/native/ or src/adapters/native/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('winnow-native: package root (with native/) not found above ' + fileURLToPath(import.meta.url));
}

export class NativeAddonMissingError extends Error {
  constructor(path: string, cause: unknown) {
    super(`Winnow's native addon is not built (${path}): run \`npm run build:native\` (needs g++ and make): ${(cause as Error).message}`);
  }
}

let cached: WinnowNativeAddon | Error | undefined;

/** The addon, loaded once; throws NativeAddonMissingError when it was not built. */
export function loadNativeAddon(): WinnowNativeAddon {
  if (cached === undefined) {
    const path = join(packageRoot(), 'native', 'build', 'Release', 'winnow_native.node');
    try {
      cached = createRequire(import.meta.url)(path) as WinnowNativeAddon;
    } catch (e) {
      cached = new NativeAddonMissingError(path, e);
    }
  }
  if (cached instanceof Error) throw cached;
  return cached;
}

/** The addon, or null when it is not built (for callers with a pure-JS fallback; they should say so once). */
export function tryLoadNativeAddon(): WinnowNativeAddon | null {
  try {
    return loadNativeAddon();
  } catch {
    return null;
  }
}
