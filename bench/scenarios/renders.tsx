import { createLiveClient, type LiveClient, LiveProvider, useLiveQuery } from '@mongo-live/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MongoClient } from 'mongodb';
import { memo } from 'react';
import { createRoot } from 'react-dom/client';
import { rootElement } from '../support/jsdomGlobals.js';
import { startLiveStack } from '../support/liveStack.js';
import { startEmbeddedProcess } from '../support/processes.js';

export interface RenderResult {
  rows: number;
  updates: number;
  /** Row components rendered per update (a memoised row re-renders only when its document changed). */
  rowRendersPerUpdate: number;
  /** Row renders a list without structural sharing would do per update. */
  withoutSharing: number;
}

type Row = { _id: number; name: string; n: number };

let rowRenders = 0;
const Item = memo(function Item({ doc }: { doc: Row }) {
  rowRenders++;
  return (
    <li>
      {doc.name}:{doc.n}
    </li>
  );
});

function List() {
  const { data = [] } = useLiveQuery<Row>({ db: 'bench', collection: 'renders', sort: { n: 1 } });
  return (
    <ul>
      {data.map((d) => (
        <Item key={d._id} doc={d} />
      ))}
    </ul>
  );
}

function App({ live }: { live: LiveClient }) {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <LiveProvider client={live}>
        <List />
      </LiveProvider>
    </QueryClientProvider>
  );
}

/**
 * React render count: a 1,000-row `useLiveQuery` list of memoised rows (jsdom), then updates that
 * each change and move one document. Structural sharing should re-render only that row.
 */
export async function measureRenders(options: { rows: number; updates: number }): Promise<RenderResult> {
  const db = await startEmbeddedProcess();
  const stack = await startLiveStack(db.uri);
  const writer = await new MongoClient(db.uri).connect();
  const coll = writer.db('bench').collection<Row>('renders');
  await coll.deleteMany({});
  await coll.insertMany(Array.from({ length: options.rows }, (_, i) => ({ _id: i, name: `row ${i}`, n: i })));
  const live = createLiveClient({ url: stack.url, socketOptions: { transports: ['websocket'] } });
  const root = createRoot(rootElement);
  root.render(<App live={live} />);
  const waitForText = async (needle: string) => {
    const deadline = Date.now() + 20_000;
    while (!(rootElement.textContent ?? '').includes(needle)) {
      if (Date.now() > deadline) throw new Error(`bench: '${needle}' never rendered`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  try {
    await waitForText(`row ${options.rows - 1}:`);
    const before = rowRenders;
    for (let u = 0; u < options.updates; u++) {
      const id = (u * 37) % options.rows;
      const n = -1 - u; // moves the row to the top
      await coll.updateOne({ _id: id }, { $set: { n } });
      await waitForText(`row ${id}:${n}`);
    }
    return {
      rows: options.rows,
      updates: options.updates,
      rowRendersPerUpdate: (rowRenders - before) / options.updates,
      withoutSharing: options.rows,
    };
  } finally {
    root.unmount();
    await live.close();
    await writer.close();
    await stack.close();
    await db.stop();
  }
}
