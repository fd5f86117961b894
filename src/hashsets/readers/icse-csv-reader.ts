/**
 * INTERPOL ICSE-style hash export: `;`-separated with the header IPED's HashDBTool expects,
 * `MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;
 * Number of submissions;File Available;Media Type;Baseline`.
 *
 * `Baseline` is the entry-level INTERPOL Baseline flag (record.baseline); the other flags take y/yes/t/true and
 * n/no/f/false like IPED and go to `extra` as booleans, null when empty or absent. ICSE exports carry no category
 * code, so `category` stays null. PhotoDNA is kept opaque.
 */
import { capText, tolerantBoolean } from '../field-normalise.js';
import { HashFields, record } from '../read-context.js';
import type { HeaderTableSpec } from './header-table.js';

export const ICSE_CSV_TABLE: HeaderTableSpec = {
  label: 'ICSE-style CSV',
  delimiter: ';',
  checkHeader: (keys) => (keys.has('md5') || keys.has('sha1') ? null : 'expected an "MD5" or "SHA1" column'),
  toRecord(row, ctx) {
    const fields = new HashFields();
    fields.add('md5', row.get('md5'));
    fields.add('sha1', row.get('sha1'));
    fields.add('sha256', row.get('sha256'));
    if (!fields.settle(ctx, row.location)) return null;
    const text = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : capText(v.trim()));
    const submissions = row.get('numberofsubmissions');
    return record(fields.hashes, {
      baseline: tolerantBoolean(row.get('baseline')),
      photoDna: text(row.get('photodna')),
      extra: {
        imageId: text(row.get('imageid')),
        isDistributed: tolerantBoolean(row.get('isdistributed')),
        victimIdentified: tolerantBoolean(row.get('victimidentified')),
        offenderIdentified: tolerantBoolean(row.get('offenderidentified')),
        series: text(row.get('seriesname')),
        submissions: submissions !== undefined && /^\d+$/.test(submissions.trim()) ? Number(submissions) : null,
        fileAvailable: tolerantBoolean(row.get('fileavailable')),
        mediaType: text(row.get('mediatype')),
      },
    });
  },
};
