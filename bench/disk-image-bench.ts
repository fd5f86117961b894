/**
 * Disk-image scan throughput: a generated ext4 image full of random files (made here with `mke2fs -d`, e2fsprogs),
 * scanned by `winnow scan` (fls listing, icat streaming into the MD5+SHA-1+SHA-256 pipeline, no extraction), compared in
 * the same run with
 *   1. a shell pipeline `fls -r -F` + `icat | md5sum` per file (TSK's own tools, MD5 only, one file at a time), and
 *   2. `hashdeep -c md5,sha1,sha256` over the same files as a folder (what hashing them after extraction costs).
 * Figures are MB/s of file content (and of image bytes for Winnow) and ratios to the shell pipeline.
 *
 *   node dist/bench/disk-image-bench.js            # 1 GiB of files (WINNOW_BENCH_IMAGE_MB to change)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/winnow.js', import.meta.url));
const totalMb = Number(process.env.WINNOW_BENCH_IMAGE_MB ?? 1024);
const dir = mkdtempSync(join(tmpdir(), 'winnow-disk-bench-'));

function time(label: string, f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`  ${label}: ${s.toFixed(2)} s\n`);
  return s;
}

try {
  // A mix like a seized USB stick: many small documents, some photos-sized files, a few large videos-sized ones.
  const src = join(dir, 'src');
  let bytes = 0;
  let files = 0;
  const sizes = [8 * 1024, 64 * 1024, 512 * 1024, 3 * 1024 * 1024, 40 * 1024 * 1024];
  const weights = [40, 30, 20, 9, 1];
  const block = randomBytes(8 * 1024 * 1024);
  while (bytes < totalMb * 1024 * 1024) {
    let r = (files * 7919) % 100;
    let k = 0;
    while (r >= weights[k]!) r -= weights[k++]!;
    const size = sizes[k]!;
    const d = join(src, `d${files % 50}`);
    if (files < 50) mkdirSync(d, { recursive: true });
    // distinct content per file: a random block rotated by a per-file offset plus the file number
    const buf = Buffer.alloc(size);
    for (let off = 0; off < size; off += block.length) block.copy(buf, off, (files * 4099) % block.length);
    buf.writeUInt32LE(files, 0);
    writeFileSync(join(d, `f${files}.bin`), buf);
    bytes += size;
    files++;
  }
  const img = join(dir, 'disk.img');
  const imgMb = Math.ceil((bytes / 1024 / 1024) * 1.15 + 64);
  execFileSync('mke2fs', ['-q', '-t', 'ext4', '-d', src, img, `${imgMb}M`], { stdio: 'ignore' });
  const imgBytes = statSync(img).size;
  process.stdout.write(`disk-image bench: ext4 image ${(imgBytes / 1e6).toFixed(0)} MB, ${files} files, ${(bytes / 1e6).toFixed(0)} MB of file content\n`);
  // warm the page cache for every contender alike
  execFileSync('cat', [img], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 });

  const ws = join(dir, 'ws');
  execFileSync(process.execPath, [CLI, '-w', ws, 'case', 'create', 'bench'], { stdio: 'ignore' });
  const winnow = time('winnow scan (MD5+SHA-1+SHA-256, types, no verify)', () =>
    execFileSync(process.execPath, [CLI, '-w', ws, 'scan', '--case', 'bench', '-q', '--no-match', '--no-verify', img], { stdio: 'ignore' }),
  );
  const script = `fls -r -F -p "$1" | while IFS=$'\\t' read -r meta name; do a=\${meta##* }; a=\${a%:}; icat "$1" "$a" | md5sum; done > /dev/null`;
  const shell = time('shell: fls -r -F | icat | md5sum (MD5 only)', () => execFileSync('bash', ['-c', script, 'bench', img], { stdio: 'ignore' }));
  const hashdeep = time('hashdeep -r -c md5,sha1,sha256 over the same files as a folder', () =>
    execFileSync('hashdeep', ['-r', '-c', 'md5,sha1,sha256', src], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 }),
  );
  const mbs = (s: number) => (bytes / 1e6 / s).toFixed(1);
  process.stdout.write(
    `results (file content MB/s; ratio = shell pipeline time / contender time):\n` +
      `  winnow   ${mbs(winnow)} MB/s of files, ${(imgBytes / 1e6 / winnow).toFixed(1)} MB/s of image, ${(files / winnow).toFixed(0)} files/s, ${(shell / winnow).toFixed(2)}x the shell pipeline\n` +
      `  shell    ${mbs(shell)} MB/s (1.00x)\n` +
      `  hashdeep ${mbs(hashdeep)} MB/s, ${(shell / hashdeep).toFixed(2)}x the shell pipeline; winnow/hashdeep = ${(hashdeep / winnow).toFixed(2)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
