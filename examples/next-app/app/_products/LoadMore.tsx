'use client';
import { useEffect, useRef } from 'react';
import styles from './Products.module.css';

/**
 * "Load more" under a list of live pages, and a sentinel that loads the next page when it scrolls
 * into view (infinite scrolling; the button stays for keyboards and for browsers without
 * IntersectionObserver). Renders nothing once there is no next page.
 */
export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const fetchNext = useRef(fetchNextPage);
  fetchNext.current = fetchNextPage;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || typeof IntersectionObserver === 'undefined') return;
    // Fires when the sentinel comes into view, not while it stays there: one page per scroll.
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void fetchNext.current();
      },
      { rootMargin: '200px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage]);
  if (!hasNextPage) return null;
  return (
    <div className={styles.loadMore} ref={sentinel} data-testid="load-more-sentinel">
      <button type="button" className="btn" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
        {isFetchingNextPage ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
