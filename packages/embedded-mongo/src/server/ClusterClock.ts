import { Timestamp } from 'bson';

/**
 * The server's logical clock: every write ticks it, giving a Timestamp strictly greater than any
 * before (seconds follow the wall clock, the increment grows within a second).
 */
export class ClusterClock {
  private seconds = 0;
  private increment = 0;
  private current: Timestamp;

  constructor() {
    this.seconds = Math.floor(Date.now() / 1000);
    this.increment = 1;
    this.current = new Timestamp({ t: this.seconds, i: this.increment });
  }

  /** The latest cluster time handed out (the operationTime of reads). */
  now(): Timestamp {
    return this.current;
  }

  /** A new cluster time for a write, strictly after every earlier one. */
  tick(): Timestamp {
    const wall = Math.floor(Date.now() / 1000);
    if (wall > this.seconds) {
      this.seconds = wall;
      this.increment = 1;
    } else {
      this.increment++;
      if (this.increment > 0xffffffff) {
        this.seconds++;
        this.increment = 1;
      }
    }
    this.current = new Timestamp({ t: this.seconds, i: this.increment });
    return this.current;
  }
}
