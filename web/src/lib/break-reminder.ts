/**
 * Break reminders, hourly by default (the interval is the user's breakMinutes, within the admin's bounds) (issue 6; hotlines cap viewing and require breaks, forensic-formats.md §6). What counts is
 * ACTIVE use: a 15-second tick counts only if the reviewer pressed a key, moved or clicked during the last two
 * minutes, so a screen left open over lunch does not nag on return. The count is kept per user and UTC day in
 * localStorage, so a reload does not reset it; "I took a break" starts a new interval.
 */
const TICK_MS = 15_000;
const IDLE_AFTER_MS = 120_000;
export const BREAK_EVERY_SECONDS = 3600;

export function startBreakReminder(userId: string, onDue: (activeSeconds: number) => void, everySeconds = BREAK_EVERY_SECONDS): { reset: () => void; stop: () => void } {
  const key = () => `winnow.active.${userId}.${new Date().toISOString().slice(0, 10)}`;
  let lastActivity = Date.now();
  const mark = () => {
    lastActivity = Date.now();
  };
  const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;
  for (const e of events) window.addEventListener(e, mark, { passive: true });
  const timer = window.setInterval(() => {
    if (Date.now() - lastActivity > IDLE_AFTER_MS || document.hidden) return;
    const active = Number(localStorage.getItem(key()) ?? '0') + TICK_MS / 1000;
    localStorage.setItem(key(), String(active));
    if (active >= everySeconds) onDue(active);
  }, TICK_MS);
  return {
    reset: () => localStorage.setItem(key(), '0'),
    stop: () => {
      window.clearInterval(timer);
      for (const e of events) window.removeEventListener(e, mark);
    },
  };
}
