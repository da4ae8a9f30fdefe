import { activitySince } from '@/lib/activity';
import { ActivityFeed } from '../_activity/ActivityFeed';

export const metadata = { title: 'Activity · Live Shop' };

export const dynamic = 'force-dynamic'; // the history starts an hour before each request

export default function ActivityPage() {
  return (
    <main style={{ maxWidth: 760 }}>
      <h1>Activity</h1>
      <p className="lead">
        A change stream on the whole database, filtered to three collections, newest first, starting with the last hour.
      </p>
      <ActivityFeed limit={100} title="Live events" since={activitySince()} />
    </main>
  );
}
