import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DFXML_NS, WINNOW_DFXML_NS } from '../../src/formats/dfxml-writer.js';
import { REPO } from './env.js';

/** The official DFXML schema (dfxml_schema dfxml.xsd + ref/dc.xsd + ref/xml.xsd; see the SOURCE.md beside it). */
export const XSD = join(REPO, 'test', 'fixtures', 'dfxml-schema', 'dfxml.xsd');

/** xmllint is required: fail (never skip) with the package to install. */
export function requireXmllint(): void {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('xmllint is required for the DFXML schema tests: apt-get install -y libxml2-utils');
  }
}

/** `xmllint --noout --schema dfxml.xsd FILE`: exit status and messages. */
export function validate(file: string): { status: number | null; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`xmllint could not run (${r.error.message}): apt-get install -y libxml2-utils`);
  return { status: r.status, output: `${r.stderr}${r.stdout}`.slice(0, 4000) };
}

/** Evaluate an XPath 1.0 expression over a file with xmllint (string / number results). */
export function xpath(file: string, expr: string): string {
  return execFileSync('xmllint', ['--xpath', expr, file], { encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
}

/** XPath step for a DFXML element / a Winnow extension element (namespace-exact, no prefix bindings needed). */
export const d = (name: string) => `*[local-name()='${name}' and namespace-uri()='${DFXML_NS}']`;
export const w = (name: string) => `*[local-name()='${name}' and namespace-uri()='${WINNOW_DFXML_NS}']`;
export const attr = (name: string) => `@*[local-name()='${name}']`;
