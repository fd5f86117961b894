import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PdfFonts } from '../formats/court-report-pdf.js';

/** Where Debian/Ubuntu (fonts-dejavu-core) and Fedora put DejaVu; WINNOW_REPORT_FONTS_DIR comes first. */
const DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu-sans-fonts', '/usr/share/fonts/TTF'];
const FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', italic: 'DejaVuSans-Oblique.ttf', mono: 'DejaVuSansMono.ttf' } as const;

/**
 * Unicode TrueType fonts for the PDF court report (paths and names in any script must print exactly), or null when
 * none are installed: the PDF then uses the standard Latin-1 fonts and writes other characters as <U+XXXX>.
 */
export function loadReportFonts(env: NodeJS.ProcessEnv = process.env): PdfFonts | null {
  const dirs = [...(env.WINNOW_REPORT_FONTS_DIR ? [env.WINNOW_REPORT_FONTS_DIR] : []), ...DIRS];
  for (const dir of dirs) {
    const paths = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof PdfFonts, string>;
    if (Object.values(paths).every((p) => existsSync(p))) {
      return { regular: readFileSync(paths.regular), bold: readFileSync(paths.bold), italic: readFileSync(paths.italic), mono: readFileSync(paths.mono) };
    }
  }
  return null;
}
