import type { Command } from 'commander';
import type { PdqDecodeMode } from '../../adapters/pdq-image-decoder.js';
import { PDQ_DIHEDRAL_NAMES } from '../../hashing/pdq.js';
import { UserError } from '../../services/errors.js';

export function registerPdqCommand(program: Command): void {
  program
    .command('pdq')
    .description('print PDQ hashes of pictures as "hash,quality,path" lines, like Meta\'s reference pdq-photo-hasher (full resolution, no pre-scale)')
    .argument('<image...>', 'picture files')
    .option('--dihedral', 'print the 8 dihedral hashes (orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1) per picture')
    .option('--mode <mode>', 'exact (full decode) or fast (JPEG shrink-on-load, short side ≥ 512 px)', 'exact')
    .action(async (images: string[], opts: { dihedral?: boolean; mode: string }) => {
      if (opts.mode !== 'exact' && opts.mode !== 'fast') throw new UserError(`--mode must be exact or fast, not "${opts.mode}"`);
      const mode = opts.mode as PdqDecodeMode;
      // sharp is loaded only by the commands that decode pictures (~0.3 s of start-up otherwise).
      const { pdqDihedralHashImage, pdqHashImage } = await import('../../adapters/pdq-image-decoder.js');
      let failed = 0;
      for (const path of images) {
        try {
          if (opts.dihedral) {
            const r = await pdqDihedralHashImage(path, { mode });
            const hashes = PDQ_DIHEDRAL_NAMES.map((n) => (r as unknown as Record<string, string>)[n]);
            process.stdout.write(`${hashes.join(',')},${r.quality},${path}\n`);
          } else {
            const r = await pdqHashImage(path, { mode });
            process.stdout.write(`${r.hash},${r.quality},${path}\n`);
          }
        } catch (err) {
          failed++;
          process.stderr.write(`winnow pdq: ${path}: ${(err as Error).message.split('\n')[0]}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
