import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * Where a small popover over a message goes: `preferred`, unless that puts it outside the scrolling message list
 * (the first message's picker under the header, the last one's prompt under the composer); then the other side.
 */
export function usePlacement(ref: RefObject<HTMLElement | null>, preferred: 'above' | 'below'): 'above' | 'below' {
  const [placement, setPlacement] = useState(preferred);
  useLayoutEffect(() => {
    const el = ref.current;
    const list = el?.closest('[data-testid="message-list"]');
    if (!el || !list) return;
    const box = el.getBoundingClientRect();
    const bounds = list.getBoundingClientRect();
    if (preferred === 'above' && box.top < bounds.top) setPlacement('below');
    if (preferred === 'below' && box.bottom > bounds.bottom) setPlacement('above');
  }, [ref, preferred]);
  return placement;
}
