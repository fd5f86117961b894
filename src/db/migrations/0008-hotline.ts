import { sql, type Kysely, type Migration } from 'kysely';
import type { EngineCapabilities } from '../engine.js';

type AnyDb = Kysely<any>; // any: a migration sees the schema as it was then, not today's typed view

/**
 * The hotline desk (issue 7): public and partner reports of URLs, the URLs themselves (one row per canonical URL,
 * so a URL reported twice is one piece of work), assessments, traces (versioned), abuse contacts, forwardings to
 * police and partner hotlines, notices to hosts, online checks, recorded hashes and a timeline of every transition.
 * Nothing here holds content: only URLs, metadata, hashes and times. Shapes follow shared/notes/hotline-ntd.md §7.
 *
 * Times are ISO-8601 UTC text; the transition times on hl_url are denormalised from hl_event so that statistics
 * are one scan of hl_url (both clocks: from receipt and from first notice).
 */
export function hotline(caps: EngineCapabilities): Migration {
  const { double } = caps.types;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('hl_report')
        .addColumn('id', 'text', (c) => c.primaryKey())
        /** Human report number given to the reporter, e.g. WR-2026-000042. */
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('received_at', 'text', (c) => c.notNull())
        /** webform | api | partner-json | partner-csv | analyst */
        .addColumn('source', 'text', (c) => c.notNull())
        /** Partner hotline (or other channel) the report came from. */
        .addColumn('partner', 'text')
        .addColumn('external_ref', 'text')
        .addColumn('description', 'text')
        /** image | video | text | other (the reporter's hint). */
        .addColumn('content_type_hint', 'text')
        /** Where the reporter found it (site type or free text). */
        .addColumn('where_found', 'text')
        .addColumn('referrer', 'text')
        /** nl | fr | en | de: the language of the form and of updates to the reporter. */
        .addColumn('language', 'text')
        /** Optional reporter e-mail; anonymised by retention. */
        .addColumn('reporter_contact', 'text')
        /** SHA-256 (hex) of the reporter's status token (the token itself is shown once). */
        .addColumn('reporter_token_hash', 'text')
        .addColumn('created_by', 'text')
        .addColumn('anonymised_at', 'text')
        .execute();
      await db.schema.createIndex('hl_report_received_idx').on('hl_report').column('received_at').execute();

      await db.schema
        .createTable('hl_url')
        .addColumn('id', 'text', (c) => c.primaryKey())
        /** SHA-256 (hex) of the canonical URL: the dedupe key and the form shipped in URL lists. */
        .addColumn('canonical_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('canonical_url', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('first_report_id', 'text', (c) => c.notNull().references('hl_report.id'))
        /** new | assessed | traced | forwarded | notified | closed */
        .addColumn('status', 'text', (c) => c.notNull())
        /** baseline | national | not-illegal | doubtful (latest assessment); null until assessed. */
        .addColumn('classification', 'text')
        /** 1 when the whole domain is dedicated to abuse material (only such domains enter the RPZ zone). */
        .addColumn('dedicated_domain', 'integer', (c) => c.notNull().defaultTo(0))
        // Latest trace, denormalised for routing and statistics (the versions are in hl_trace).
        .addColumn('hosting_country', 'text')
        .addColumn('hosting_org', 'text')
        .addColumn('hosting_asn', 'integer')
        .addColumn('behind_cdn', 'integer', (c) => c.notNull().defaultTo(0))
        /** The contact notices go to (chosen by trace or overridden by an analyst). */
        .addColumn('notice_contact_id', 'text')
        /** Police hold: while set, no notice is sent. */
        .addColumn('hold_reason', 'text')
        .addColumn('hold_by', 'text')
        .addColumn('hold_at', 'text')
        // Transition times (both clocks are derived from these).
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('assessed_at', 'text')
        .addColumn('traced_at', 'text')
        .addColumn('forwarded_at', 'text')
        .addColumn('notice_first_sent_at', 'text')
        .addColumn('notice_last_sent_at', 'text')
        .addColumn('notice_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('first_offline_at', 'text')
        .addColumn('last_check_at', 'text')
        /** online | offline | error; null until checked. */
        .addColumn('last_check_result', 'text')
        /** Consecutive offline checks (removal is confirmed after N in a row). */
        .addColumn('offline_streak', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('closed_at', 'text')
        /** removed | unavailable | moved | not-illegal | duplicate */
        .addColumn('closure_reason', 'text')
        .addColumn('moved_to_url_id', 'text')
        /** 1 when the content was already gone before any notice (IWF's "gone before action"). */
        .addColumn('gone_before_notice', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('anonymised_at', 'text')
        .execute();
      await db.schema.createIndex('hl_url_status_idx').on('hl_url').columns(['status', 'received_at']).execute();
      await db.schema.createIndex('hl_url_host_idx').on('hl_url').column('host').execute();

      // A report names one or more URLs as the reporter typed them; each links to its canonical hl_url.
      await db.schema
        .createTable('hl_report_url')
        .addColumn('report_id', 'text', (c) => c.notNull().references('hl_report.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id'))
        .addColumn('raw_url', 'text', (c) => c.notNull())
        /** 1 when the URL was already known (the report was linked to existing work). */
        .addColumn('was_known', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('hl_report_url_pk', ['report_id', 'position'])
        .execute();
      await db.schema.createIndex('hl_report_url_url_idx').on('hl_report_url').column('url_id').execute();

      await db.schema
        .createTable('hl_assessment')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id').onDelete('cascade'))
        /** baseline | national | not-illegal | doubtful */
        .addColumn('classification', 'text', (c) => c.notNull())
        /** analyst | police | hash-match | partner-hotline */
        .addColumn('decided_by_kind', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text', (c) => c.notNull())
        /** Whether whoever decided looked at the content; false unless they say so (never in no-view mode). */
        .addColumn('viewed_content', 'integer', (c) => c.notNull().defaultTo(0))
        /** not-determined | infant | pre-pubescent | pubescent (ICCAM age groups) */
        .addColumn('age_group', 'text')
        .addColumn('content_kind', 'text')
        .addColumn('note', 'text')
        .execute();
      await db.schema.createIndex('hl_assessment_url_idx').on('hl_assessment').columns(['url_id', 'decided_at']).execute();

      await db.schema
        .createTable('hl_trace')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('traced_at', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        /** JSON array of CNAME targets, in order. */
        .addColumn('cname_chain', 'text', (c) => c.notNull())
        /** JSON array of A/AAAA addresses. */
        .addColumn('addresses', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('asn', 'integer')
        .addColumn('prefix', 'text')
        .addColumn('org', 'text')
        .addColumn('country', 'text')
        .addColumn('registry', 'text')
        .addColumn('cdn', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cdn_name', 'text')
        /** JSON: abuse contacts found ({email, scope, source}[]). */
        .addColumn('contacts', 'text', (c) => c.notNull())
        /** JSON: which data source said what (datasets, RDAP URLs), for the police to check. */
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        /** 1 when this version's hosting differs from the previous version's (a hosting move). */
        .addColumn('moved', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('hl_trace_version_uq', ['url_id', 'version'])
        .execute();

      // Abuse contacts and the approved-contact book (one row per organisation and scope).
      await db.schema
        .createTable('hl_contact')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('asn', 'integer')
        /** hosting | registrar | site-owner | cdn */
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('country', 'text')
        .addColumn('language', 'text')
        /** rdap | manual | partner */
        .addColumn('source', 'text', (c) => c.notNull())
        /** 1 once an analyst confirmed the contact (unapproved contacts are never sent notices automatically). */
        .addColumn('approved', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('hl_contact_uq', ['org', 'scope', 'email'])
        .execute();

      await db.schema
        .createTable('hl_forward')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id').onDelete('cascade'))
        /** national-police | partner-hotline | interpol */
        .addColumn('destination_kind', 'text', (c) => c.notNull())
        /** e.g. the police unit, or the partner hotline's name. */
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('country', 'text')
        /** lea-package | iccam-json */
        .addColumn('format', 'text', (c) => c.notNull())
        /** Batch id: one export package may carry many URLs. */
        .addColumn('package_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        /** Police clearance to notify the host (same-country route); null until given. */
        .addColumn('cleared_at', 'text')
        .addColumn('cleared_by', 'text')
        .execute();
      await db.schema.createIndex('hl_forward_url_idx').on('hl_forward').column('url_id').execute();

      await db.schema
        .createTable('hl_notice')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('hl_contact.id'))
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        /** queued | sent | failed */
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('message_id', 'text')
        .addColumn('xarf_report_id', 'text')
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('hl_notice_contact_idx').on('hl_notice').columns(['contact_id', 'created_at']).execute();
      await db.schema
        .createTable('hl_notice_url')
        .addColumn('notice_id', 'text', (c) => c.notNull().references('hl_notice.id').onDelete('cascade'))
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id').onDelete('cascade'))
        /** 1 for the first notice about this URL, 2 for the first re-notice, … */
        .addColumn('sequence', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('hl_notice_url_pk', ['notice_id', 'url_id'])
        .execute();
      await db.schema.createIndex('hl_notice_url_url_idx').on('hl_notice_url').column('url_id').execute();

      await db.schema
        .createTable('hl_check')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id').onDelete('cascade'))
        .addColumn('checked_at', 'text', (c) => c.notNull())
        /** dns | http | hash */
        .addColumn('method', 'text', (c) => c.notNull())
        /** online | offline | error | refused (the fetcher would not connect: SSRF rules) */
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('http_status', 'integer')
        /** JSON: resolved addresses or the DNS error code. */
        .addColumn('dns', 'text')
        /** JSON array of redirect hops. */
        .addColumn('redirects', 'text')
        .addColumn('final_url', 'text')
        .addColumn('body_md5', 'text')
        .addColumn('body_sha1', 'text')
        .addColumn('body_pdq', 'text')
        /** known-bad | assessed | none: what the body's hashes matched (hash-only checks). */
        .addColumn('hash_match', 'text')
        .addColumn('duration_ms', sql.raw(double))
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('hl_check_url_idx').on('hl_check').columns(['url_id', 'checked_at']).execute();

      // Hashes recorded for a URL's material (at assessment, from a partner, from a hash-only check), never bytes.
      await db.schema
        .createTable('hl_url_hash')
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id').onDelete('cascade'))
        /** md5 | sha1 | sha256 | pdq */
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        /** assessment | partner | check */
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('hl_url_hash_pk', ['url_id', 'algorithm', 'hash'])
        .execute();

      // Every transition, in order: the timeline of a URL and the audit of the workflow.
      await db.schema
        .createTable('hl_event')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url_id', 'text', (c) => c.notNull().references('hl_url.id').onDelete('cascade'))
        .addColumn('at', 'text', (c) => c.notNull())
        /** received | linked | assessed | traced | moved | forwarded | cleared | hold | release | notice-sent |
         *  checked | offline | online-again | closed | reopened | anonymised */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        /** JSON detail. */
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hl_event_url_idx').on('hl_event').columns(['url_id', 'at']).execute();
    },
    async down(db: AnyDb) {
      for (const t of ['hl_event', 'hl_url_hash', 'hl_check', 'hl_notice_url', 'hl_notice', 'hl_forward', 'hl_contact', 'hl_trace', 'hl_assessment', 'hl_report_url', 'hl_url', 'hl_report']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}

