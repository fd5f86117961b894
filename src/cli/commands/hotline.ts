import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../services/errors.js';
import type { DeskActor } from '../../services/hotline/hotline-types.js';
import type { HotlineDeps } from '../../http/hotline-context.js';
import { currentUser, Workspace, type GlobalOptions } from '../workspace.js';

const cliActor = (): DeskActor => ({ id: null, name: `cli:${currentUser()}`, role: 'admin' });
const out = (v: unknown): void => { process.stdout.write(`${JSON.stringify(v, null, 2)}\n`); };

/** Open the workspace and the desk, run, close. */
async function withDesk(cmd: Command, fn: (h: HotlineDeps, ws: Workspace) => Promise<unknown>): Promise<void> {
  const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
  const { hotlineDeps } = await import('../hotline-wiring.js');
  try {
    await fn(hotlineDeps(ws), ws);
  } finally {
    await ws.close();
  }
}

function writeOut(file: string | undefined, data: string | Buffer): void {
  if (file) writeFileSync(file, data);
  else process.stdout.write(data);
}

/**
 * `winnow hotline …`: the hotline desk from the command line (issue 7) — the same services as the web desk. The
 * scheduled work (online checks, notices) runs with `winnow hotline run` or inside `winnow serve`.
 */
export function registerHotlineCommands(program: Command): void {
  const hl = program.command('hotline').description('hotline desk: reports of URLs, trace, forward, notices, checks, statistics, blocking lists');

  hl.command('report').description('take a report in as an analyst (one or more URLs)')
    .argument('<urls...>', 'the reported URLs')
    .option('--description <text>', 'what the reporter said')
    .option('--content-type <type>', 'image, video, text or other')
    .action(async (urls: string[], o: { description?: string; contentType?: string }, cmd: Command) => withDesk(cmd, async (h) => {
      const r = await h.intake.submit({ urls, description: o.description ?? null, contentType: o.contentType ?? null }, 'analyst', cliActor(), { maxUrls: 500 });
      out({ number: r.number, urls: r.urls });
    }));

  hl.command('list').description('the work list (newest first)')
    .option('--status <s>', 'new, assessed, traced, forwarded, notified or closed')
    .option('--open', 'only URLs not closed')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (o: { status?: string; open?: boolean; limit: string }, cmd: Command) => withDesk(cmd, async (h) => {
      const rows = await h.view.list({ ...(o.status ? { status: o.status } : {}), open: !!o.open, limit: Number(o.limit) });
      for (const u of rows) process.stdout.write(`${u.id}\t${u.status}\t${u.classification ?? '-'}\t${u.hosting_country ?? '-'}\t${u.canonical_url}\n`);
    }));

  hl.command('show').description("one URL's whole file: reports, assessments, traces, forwards, notices, checks, timeline")
    .argument('<urlId>')
    .action(async (id: string, _o: unknown, cmd: Command) => withDesk(cmd, async (h) => out(await h.view.detail(id))));

  hl.command('assess').description('record an assessment')
    .argument('<urlId>')
    .requiredOption('--classification <c>', 'baseline, national, not-illegal or doubtful')
    .option('--decided-by <who>', 'analyst, police, hash-match or partner-hotline', 'analyst')
    .option('--viewed-content', 'the decider looked at the content (refused in no-view mode)')
    .option('--dedicated-domain', 'the whole domain is dedicated to abuse material (enters the RPZ zone)')
    .option('--age-group <g>', 'not-determined, infant, pre-pubescent or pubescent')
    .option('--hash <alg:hex...>', 'hashes of the material, e.g. md5:…')
    .option('--note <text>')
    .action(async (id: string, o: { classification: string; decidedBy: string; viewedContent?: boolean; dedicatedDomain?: boolean; ageGroup?: string; hash?: string[]; note?: string }, cmd: Command) => withDesk(cmd, async (h) => {
      const hashes = (o.hash ?? []).map((x) => {
        const [algorithm, hash] = x.split(':');
        if (!algorithm || !hash) throw new UserError(`--hash takes ALGORITHM:HEX, not "${x}"`);
        return { algorithm, hash };
      });
      out(await h.assessment.assess(id, {
        classification: o.classification, decidedBy: o.decidedBy, viewedContent: !!o.viewedContent, ...(o.dedicatedDomain ? { dedicatedDomain: true } : {}),
        ageGroup: o.ageGroup ?? null, note: o.note ?? null, hashes,
      }, cliActor()));
    }));

  hl.command('trace').description('trace where URLs are hosted (DNS, network datasets, RDAP)')
    .argument('[urlIds...]')
    .option('--untraced', 'every open URL not traced yet')
    .action(async (ids: string[], o: { untraced?: boolean }, cmd: Command) => withDesk(cmd, async (h) => {
      const todo = o.untraced ? (await h.view.list({ open: true, limit: 1000 })).filter((u) => !u.traced_at).map((u) => u.id) : ids;
      if (todo.length === 0) throw new UserError('give URL ids or --untraced');
      for (const id of todo) {
        const r = await h.trace.trace(id, cliActor());
        process.stdout.write(`${id}\tv${r.trace.version}\t${r.trace.ip ?? '-'}\tAS${r.trace.asn ?? '-'}\t${r.trace.country ?? '-'}\t${r.trace.org ?? '-'}${r.trace.cdn_name ? `\tCDN ${r.trace.cdn_name}` : ''}\t${r.noticeContact ? `${r.noticeContact.email}${r.noticeContact.approved ? '' : ' (not approved)'}` : 'no contact'}${r.trace.error ? `\t${r.trace.error}` : ''}\n`);
      }
    }));

  const net = hl.command('netdata').description('offline network datasets for traces (RIR delegated-extended, iptoasn TSV, CDN ASN lists, MaxMind DB files)');
  net.command('import').description('import a dataset into the workspace (the source file is only read)')
    .argument('<file>')
    .requiredOption('--kind <kind>', 'rir-delegated, ip2asn, cdn-list or mmdb (MaxMind DB: GeoLite2/GeoIP2 ASN, ISP, Country, City; DB-IP, IPinfo lite)')
    .action(async (file: string, o: { kind: string }, cmd: Command) => {
      if (!['rir-delegated', 'ip2asn', 'cdn-list', 'mmdb'].includes(o.kind)) throw new UserError('--kind must be rir-delegated, ip2asn, cdn-list or mmdb');
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const { NetworkDatasets } = await import('../../adapters/hotline/network-datasets.js');
        const { netdataDir } = await import('../hotline-wiring.js');
        out(await NetworkDatasets.importFile(netdataDir(ws), file, o.kind as 'rir-delegated' | 'ip2asn' | 'cdn-list' | 'mmdb'));
      } finally {
        await ws.close();
      }
    });
  net.command('list').description('the imported datasets')
    .action(async (_o: unknown, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const { NetworkDatasets } = await import('../../adapters/hotline/network-datasets.js');
        const { netdataDir } = await import('../hotline-wiring.js');
        out((await NetworkDatasets.load(netdataDir(ws))).datasets);
      } finally {
        await ws.close();
      }
    });

  hl.command('rdap-bootstrap').description('import an IANA RDAP bootstrap file (ipv4.json, ipv6.json, dns.json, asn.json)')
    .argument('<file>')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const ws = await Workspace.open(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const { RdapClient } = await import('../../adapters/hotline/rdap-client.js');
        const { rdapBootstrapDir } = await import('../hotline-wiring.js');
        out(await RdapClient.importBootstrap(rdapBootstrapDir(ws), file));
      } finally {
        await ws.close();
      }
    });

  const contact = hl.command('contact').description('the abuse-contact book');
  contact.command('list').action(async (_o: unknown, cmd: Command) => withDesk(cmd, async (h) => {
    for (const c of await h.trace.contacts()) process.stdout.write(`${c.id}\t${c.approved ? 'approved' : 'unapproved'}\t${c.scope}\t${c.org}\tAS${c.asn ?? '-'}\t${c.email}\t${c.source}\n`);
  }));
  contact.command('add').description('add (or update) an approved contact')
    .requiredOption('--org <org>').requiredOption('--email <email>')
    .option('--scope <s>', 'hosting, registrar, site-owner or cdn', 'hosting').option('--asn <n>').option('--country <cc>').option('--language <l>')
    .action(async (o: { org: string; email: string; scope: string; asn?: string; country?: string; language?: string }, cmd: Command) => withDesk(cmd, async (h) => {
      out(await h.trace.saveContact({ org: o.org, email: o.email, scope: o.scope, asn: o.asn ? Number(o.asn) : null, country: o.country ?? null, language: o.language ?? null }, cliActor()));
    }));
  contact.command('approve').argument('<contactId>').option('--revoke', 'withdraw the approval')
    .action(async (id: string, o: { revoke?: boolean }, cmd: Command) => withDesk(cmd, async (h) => out(await h.trace.approveContact(id, !o.revoke, cliActor()))));

  hl.command('forward').description('forward assessed, traced URLs (one package per destination)')
    .argument('<urlIds...>')
    .action(async (ids: string[], _o: unknown, cmd: Command) => withDesk(cmd, async (h) => out(await h.forward.forward(ids, cliActor()))));

  hl.command('package').description('write a forwarding package (police: JSON or PDF; partner hotlines: ICCAM-like JSON)')
    .argument('<packageId>')
    .option('--format <f>', 'json or pdf', 'json')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (id: string, o: { format: string; out?: string }, cmd: Command) => withDesk(cmd, async (h) => {
      const { renderPackage } = await import('../../http/hotline/package-render.js');
      const r = await renderPackage(await h.forward.packageData(id, cliActor(), o.format), o.format);
      writeOut(o.out, r.body);
    }));

  for (const [name, desc] of [['hold', 'police: hold notices for a URL ("do not notify: investigation")'], ['release', 'police: lift the hold'], ['clear', 'police: clear a nationally hosted URL for notice']] as const) {
    const c = hl.command(name).description(desc).argument('<urlId>');
    if (name === 'hold') c.requiredOption('--reason <text>');
    c.action(async (id: string, o: { reason?: string }, cmd: Command) => withDesk(cmd, async (h) => {
      const by = { ...cliActor(), role: 'police' };
      if (name === 'hold') out(await h.assessment.hold(id, o.reason!, by));
      else if (name === 'release') out(await h.assessment.release(id, by));
      else { await h.forward.clear(id, by); out({ ok: true }); }
    }));
  }

  hl.command('close').description('close a URL').argument('<urlId>')
    .requiredOption('--reason <r>', 'removed, unavailable, moved, not-illegal or duplicate').option('--moved-to <url>', 'the new URL (reason moved)')
    .action(async (id: string, o: { reason: string; movedTo?: string }, cmd: Command) => withDesk(cmd, async (h) => out(await h.assessment.close(id, o.reason, cliActor(), o.movedTo))));

  hl.command('notices').description('send the notices that are due (grouped per contact; re-notices while online)')
    .option('--force', 'do not wait for the grouping window')
    .action(async (o: { force?: boolean }, cmd: Command) => withDesk(cmd, async (h) => {
      if (!h.notices) throw new UserError('no mail server configured: set WINNOW_SMTP_URL=smtp://host:port (and WINNOW_SMTP_FROM)');
      out(await h.notices.run({ force: !!o.force }));
    }));

  hl.command('check').description('online checks of the open URLs that are due (never showing content)')
    .option('--all', 'check every open URL now')
    .action(async (o: { all?: boolean }, cmd: Command) => withDesk(cmd, async (h) => {
      for (const c of await h.checks.runDue({ all: !!o.all })) process.stdout.write(`${c.urlId}\t${c.result}\t${c.httpStatus ?? '-'}\t${c.hashMatch ?? '-'}\t${c.transition ?? ''}\n`);
    }));

  hl.command('run').description('the scheduler: traces of new URLs, online checks and notices, every --every seconds, until stopped')
    .option('--every <s>', 'seconds between rounds', '60')
    .option('--once', 'one round, then exit')
    .action(async (o: { every: string; once?: boolean }, cmd: Command) => withDesk(cmd, async (h) => {
      const { runHotlineRound } = await import('../hotline-scheduler.js');
      for (;;) {
        const r = await runHotlineRound(h);
        process.stdout.write(`${new Date().toISOString()}\ttraced ${r.traced}\tchecks ${r.checks}\toffline ${r.offline}\tremoved ${r.removed}\tnotices ${r.notices}\tfailed ${r.failed}\n`);
        if (o.once) return;
        await new Promise((res) => setTimeout(res, Number(o.every) * 1000));
      }
    }));

  hl.command('stats').description('statistics: reports per period, share illegal, hosting, removal times by clock')
    .option('--from <date>').option('--to <date>').option('--period <p>', 'month, week or day', 'month').option('--csv', 'the removal-time table as CSV')
    .action(async (o: { from?: string; to?: string; period: string; csv?: boolean }, cmd: Command) => withDesk(cmd, async (h) => {
      const s = await h.reporting.statistics({ from: o.from ?? null, to: o.to ?? null, period: o.period });
      if (!o.csv) return out(s);
      const { statisticsCsv } = await import('../../http/hotline/stats-render.js');
      process.stdout.write(statisticsCsv(s));
    }));

  hl.command('export').description('blocking and partner lists: rpz (dedicated domains), urls, url-hashes (SHA-256), hashes')
    .argument('<kind>', 'rpz, urls, url-hashes, hashes-csv or hashes-jsonl')
    .option('--out <file>')
    .action(async (kind: string, o: { out?: string }, cmd: Command) => withDesk(cmd, async (h) => {
      const { renderBlocking } = await import('../../http/hotline/blocking-render.js');
      const r = await renderBlocking(h, kind, cliActor());
      writeOut(o.out, r.body);
    }));

  hl.command('import-partner').description('import reports from a partner hotline (docs/hotline-partner-formats.md)')
    .argument('<file>')
    .requiredOption('--partner <name>', 'the partner hotline')
    .option('--format <f>', 'iccam-json or csv (default: from the file name)')
    .action(async (file: string, o: { partner: string; format?: string }, cmd: Command) => withDesk(cmd, async (h) => {
      const format = o.format ?? (/\.csv$/i.test(file) ? 'csv' : 'iccam-json');
      if (format !== 'csv' && format !== 'iccam-json') throw new UserError('--format must be iccam-json or csv');
      out({ file: basename(file), ...(await h.partners.importText(readFileSync(file, 'utf8'), format, o.partner, cliActor())) });
    }));

  hl.command('retention').description('anonymise URLs, IPs and reporter contacts older than the retention period')
    .action(async (_o: unknown, cmd: Command) => withDesk(cmd, async (h) => out(await h.reporting.applyRetention(cliActor()))));

  hl.command('settings').description('show or change the desk settings (no-view mode, hash-only fetch, country, windows, retention)')
    .option('--set <key=json...>', 'e.g. --set noView=false --set country=\'"NL"\'')
    .action(async (o: { set?: string[] }, cmd: Command) => withDesk(cmd, async (h, ws) => {
      if (!o.set) return out(await h.settings.get());
      const patch: Record<string, unknown> = {};
      for (const kv of o.set) {
        const i = kv.indexOf('=');
        if (i < 1) throw new UserError(`--set takes KEY=VALUE, not "${kv}"`);
        const raw = kv.slice(i + 1);
        try { patch[kv.slice(0, i)] = JSON.parse(raw); } catch { patch[kv.slice(0, i)] = raw; }
      }
      const after = await h.settings.update(patch, cliActor().name);
      await ws.audit.record(cliActor(), 'hotline-settings', { detail: { changed: Object.keys(patch) } });
      out(after);
    }));
}
