import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HASH_SET_ROLES } from '../../domain/hash-set.js';
import { HASH_SET_PROFILES } from '../../services/hash-set.service.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';

interface ImportCliOptions {
  name: string;
  role: string;
  profile?: string;
  format?: string;
  baseline?: boolean;
  showMalformed: string;
  json?: boolean;
}

export function registerHashSetCommands(program: Command): void {
  const h = program.command('hashset').description('the workspace hash-set library (VICS, NSRL, NCMEC, hash lists, PDQ lists), shared by all cases');
  h.command('import')
    .description('import a hash list (format detected by content); re-importing under the same name replaces the set atomically')
    .argument('<file>', 'VICS JSON 1.x/2.0, NSRL RDSv3 (SQLite) or RDS 2.x NSRLFile.txt, md5sum/sha1sum/sha256sum, hashdeep, HashKeeper, plain list, PDQ list, NCMEC XML')
    .requiredOption('-n, --name <name>', 'name of the set in the workspace')
    .requiredOption('-r, --role <role>', `what a match means: ${HASH_SET_ROLES.join(' | ')}`)
    .option('-p, --profile <profile>', `category system of the set's categories: ${HASH_SET_PROFILES.join(' | ')}`)
    .option('-f, --format <format>', 'read as this format instead of detecting it (e.g. pdq-list for a bare list of 64-hex PDQ hashes)')
    .option('--baseline', 'the whole set is baseline material (illegal in every country)')
    .option('--show-malformed <n>', 'malformed lines to list (all are counted)', '20')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nAfter importing, run `winnow match --case NAME` to match existing cases against the library.')
    .action(async (file: string, opts: ImportCliOptions, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const r = await ws.hashSets.import(resolve(file), {
          name: opts.name,
          role: opts.role,
          profile: opts.profile,
          format: opts.format,
          baseline: opts.baseline,
          importedBy: currentUser(),
          keepMalformed: Math.max(0, Number(opts.showMalformed) || 0),
          onProgress: opts.json ? undefined : (n) => process.stderr.write(`  ${n} records…\n`),
        });
        if (opts.json) {
          process.stdout.write(JSON.stringify({ set: r.set, format: r.format, counts: r.counts, malformed: r.malformed, replaced: r.replaced }, null, 2) + '\n');
          return;
        }
        const s = r.set;
        process.stdout.write(
          `${r.replaced ? 'replaced' : 'imported'} hash set "${s.name}" (${s.role}${s.profile ? `, profile ${s.profile}` : ''}${s.baseline ? ', baseline' : ''}), generation ${s.generation}\n` +
            `  format:    ${r.format.format}${r.format.version ? ` ${r.format.version}` : ''}\n` +
            `  records:   ${r.counts.records}\n  entries:   ${r.counts.entries} distinct hashes\n  malformed: ${r.counts.malformed}\n` +
            `  source:    ${s.source_name} (sha256 ${s.source_sha256})\n`,
        );
        if (r.format.alternatives?.length) {
          process.stdout.write(`  note:      read as ${r.format.format}; the file could also be ${r.format.alternatives.join(' or ')} (re-import with --format to choose)\n`);
        }
        for (const m of r.malformed) process.stdout.write(`    ${m.location}: ${m.reason}\n`);
        if (r.counts.malformed > r.malformed.length) process.stdout.write(`    … and ${r.counts.malformed - r.malformed.length} more\n`);
      } finally {
        await ws.close();
      }
    });
  h.command('list')
    .description('list hash sets')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const rows = await ws.hashSets.list();
        if (opts.json) {
          process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          return;
        }
        if (rows.length === 0) process.stdout.write('no hash sets yet (winnow hashset import FILE --name NAME --role ROLE)\n');
        for (const r of rows) {
          process.stdout.write(
            `${r.name}\t${r.role}\t${r.format}${r.format_version ? ` ${r.format_version}` : ''}\t${r.entry_count} hashes\t${r.malformed_count} malformed\t` +
              `${r.profile ? `profile ${r.profile}\t` : ''}${r.baseline ? 'baseline\t' : ''}generation ${r.generation}\timported ${r.imported_at}\n`,
          );
        }
      } finally {
        await ws.close();
      }
    });
  h.command('remove')
    .description('remove a hash set and the matches made against it (run `winnow match` to refresh verdicts)')
    .argument('<name>', 'set name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const s = await ws.hashSets.remove(name);
        process.stdout.write(`removed hash set "${s.name}" (${s.entry_count} hashes)\n`);
      } finally {
        await ws.close();
      }
    });
}
