'use client';
import { useEffect, useRef, useState } from 'react';

/**
 * Counts the real changes of `value` seen by this component: 0 on mount (a first render, a page
 * load, a filter change or a reorder that moves a card shows no flash), then +1 each time the
 * value differs from the one before. Key an element by it to replay a CSS animation per change.
 */
export function useChangeFlash(value: unknown): number {
  const previous = useRef(value);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    if (Object.is(previous.current, value)) return;
    previous.current = value;
    setChanges((n) => n + 1);
  }, [value]);
  return changes;
}
