/**
 * Where a file's review thumbnails live, relative to the workspace: fanned out by the first two hex digits of the
 * file id so that no folder holds millions of entries. Derived from the file id alone, so rewriting is idempotent.
 */
export function thumbnailRelPaths(fileId: string): { safe: string; clear: string } {
  const dir = `thumbnails/${fileId.slice(0, 2)}/${fileId.slice(2, 4)}`;
  return { safe: `${dir}/${fileId}.safe.webp`, clear: `${dir}/${fileId}.clear.webp` };
}
