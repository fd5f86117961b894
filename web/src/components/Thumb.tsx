/**
 * One grid tile's picture. By default the SAFE thumbnail the API serves (blurred, greyscale; for a video its
 * blurred contact sheet — a still image, so nothing can autoplay and there is no audio). The clear picture is
 * never requested here: the grid owns the single revealed item (so at most ONE item is ever clear) and passes its
 * object URL down; this component only draws it.
 *
 * Reveal is press-and-hold on the eye button (HOLD_MS), so a stray click or a key held down on the page never
 * reveals anything; releasing early cancels.
 *
 * A revealed picture is shown greyscale unless the user's effective protection has colourOnReveal (which an admin
 * must allow); the re-blur time is the seconds the server granted, i.e. the user's revealSeconds.
 */
import { useRef, useState } from 'react';
import { getProtection, thumbnailUrl, type GridItem } from '../lib/api.js';

export const HOLD_MS = 600;

export function Thumb({ caseId, item, canView, revealedUrl, onReveal }: {
  caseId: string; item: GridItem; canView: boolean; revealedUrl: string | null; onReveal: (item: GridItem) => void;
}) {
  const timer = useRef<number | null>(null);
  const [holding, setHolding] = useState(false);
  const cancel = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    setHolding(false);
  };
  const start = () => {
    cancel();
    setHolding(true);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      setHolding(false);
      onReveal(item);
    }, HOLD_MS);
  };
  const isVideo = item.thumbnail === 'contact-sheet' || (item.mimeType ?? '').startsWith('video/');
  if (!item.thumbnail) return <div className="thumb thumb-none">{item.errorCode ? 'unreadable' : (item.mimeType ?? 'no preview')}</div>;
  if (!canView) return <div className="thumb thumb-none">no images for this role</div>;
  const colour = getProtection()?.colourOnReveal === true;
  return (
    <div className={`thumb ${revealedUrl ? `revealed ${colour ? 'colour' : 'grey'}` : ''}`}>
      <img src={revealedUrl ?? thumbnailUrl(caseId, item.id)} alt={revealedUrl ? `revealed: ${item.name}` : `blurred preview of ${item.name}`} draggable={false} data-testid={revealedUrl ? 'revealed-img' : 'safe-img'} />
      {isVideo && <span className="badge video">video · contact sheet</span>}
      {!revealedUrl && (
        <button
          type="button"
          className={`reveal ${holding ? 'holding' : ''}`}
          aria-label={`Hold to reveal ${item.name}`}
          title="Press and hold to reveal this one item for a few seconds (recorded in the audit log)"
          data-testid="reveal"
          onPointerDown={(e) => { e.stopPropagation(); start(); }}
          onPointerUp={cancel}
          onPointerLeave={cancel}
          onPointerCancel={cancel}
          onClick={(e) => e.stopPropagation()}
          onContextMenu={(e) => e.preventDefault()}
        >
          <span className="hold-ring" style={{ animationDuration: `${HOLD_MS}ms` }} />
          Hold to reveal
        </button>
      )}
      {revealedUrl && <span className="badge clear" role="status">clear{colour ? '' : ' · greyscale'} · re-blurs soon</span>}
    </div>
  );
}
