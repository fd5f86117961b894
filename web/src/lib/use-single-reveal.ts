/**
 * The review UI's reveal rule as a hook: at most ONE clear picture on the page (a new reveal re-blurs the previous
 * one), re-blurred after the seconds the server granted, when the tab is hidden, or when the page goes away (the
 * object URL is revoked). The meter is refreshed after every attempt; refusals (hard cap) come back as a message.
 * Used by the review grid and the series page, so the rule is written once.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, reveal, type ExposureMeter, type GridItem } from './api.js';

/** `onMessage`: a cap warning comes as 'info', a refusal or failure as 'error'. */
export function useSingleReveal(onExposure: (m: ExposureMeter) => void, onMessage: (m: string, kind: 'info' | 'error') => void) {
  const [revealed, setRevealed] = useState<{ id: string; url: string } | null>(null);
  const timer = useRef<number | null>(null);
  const reblur = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    setRevealed((r) => {
      if (r) URL.revokeObjectURL(r.url);
      return null;
    });
  }, []);
  useEffect(() => {
    const onHide = () => { if (document.hidden) reblur(); };
    document.addEventListener('visibilitychange', onHide);
    return () => { document.removeEventListener('visibilitychange', onHide); reblur(); };
  }, [reblur]);
  const doReveal = useCallback(async (caseId: string, item: GridItem) => {
    reblur();
    try {
      const r = await reveal(caseId, item.id);
      setRevealed({ id: item.id, url: URL.createObjectURL(r.blob) });
      timer.current = window.setTimeout(reblur, r.seconds * 1000);
      if (r.warning) onMessage(r.warning, 'info');
    } catch (err) {
      onMessage(err instanceof ApiError && err.status === 403 ? `Reveal refused: ${err.message}` : `Reveal failed: ${(err as Error).message}`, 'error');
    } finally {
      api<ExposureMeter>('GET', '/api/me/exposure').then(onExposure, () => undefined);
    }
  }, [reblur, onExposure, onMessage]);
  return { revealed, doReveal };
}
