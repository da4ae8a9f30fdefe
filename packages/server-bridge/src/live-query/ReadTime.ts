import { compareValues } from '@mongo-live/bson-order';
import type { Timestamp } from 'mongodb';

/**
 * The cluster time up to which a live view is known current: the latest `operationTime` of its
 * database reads. An event at or before it is already in the view (the feed skips it); it only
 * moves forward. One per view; the {@link CollectionFeed} advances and asks it.
 *
 * @example
 * const time = new ReadTime();
 * time.advance(read.operationTime);
 * if (time.reflects(event.clusterTime)) return; // already in the snapshot
 */
export class ReadTime {
  private time: Timestamp | undefined;

  /** The latest read's time; undefined before the first read (or when the server gave none). */
  get value(): Timestamp | undefined {
    return this.time;
  }

  /** True when an event at `clusterTime` is already contained in the view. */
  reflects(clusterTime: Timestamp | undefined): boolean {
    return !!clusterTime && !!this.time && compareValues(clusterTime, this.time) <= 0;
  }

  /** Moves the known-current point forward after a database read (never back). */
  advance(operationTime: Timestamp | undefined): void {
    if (operationTime && (!this.time || compareValues(operationTime, this.time) > 0)) this.time = operationTime;
  }
}
