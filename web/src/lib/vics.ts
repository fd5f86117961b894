/**
 * VICS categories for reviewer categorisation, US profile, as the server accepts them (categorisation.service.ts)
 * and as the research notes define them (shared/notes/forensic-formats.md: the VICS wire codes). "Uncategorised"
 * is the absence of a code (null), never a number: Autopsy's CAT-0/CAT-5 numbering differs and must not leak in.
 */
export interface VicsCategory { code: string; label: string; meaning: string }

export const VICS_PROFILE = 'US';
export const VICS_CATEGORIES: readonly VicsCategory[] = [
  { code: '0', label: 'Non-pertinent', meaning: 'Ignorable: not of interest to the case' },
  { code: '1', label: 'CSAM', meaning: 'Child abuse material (illegal)' },
  { code: '2', label: 'Exploitative', meaning: 'Child exploitative / age difficult' },
  { code: '3', label: 'CGI / animation', meaning: 'CGI or animation (child exploitative)' },
  { code: '4', label: 'Comparison', meaning: 'Comparison image: victim or location reference, not abusive' },
];

export function categoryLabel(code: string | null): string {
  if (code === null) return 'Uncategorised';
  const c = VICS_CATEGORIES.find((x) => x.code === code);
  return c ? `${c.code} · ${c.label}` : `Category ${code}`;
}
