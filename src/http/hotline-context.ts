/**
 * What the hotline desk's routes need from the domain (issue 7). One field per service; `buildServer` registers the
 * hotline routes only when the deps carry them (the review-only tests build a server without them).
 */
export interface HotlineDeps {
  /** Whether bodies may be fetched for hash-only checks, the no-view mode etc. come from the services' settings. */
  readonly publicBaseUrl?: string;
}
