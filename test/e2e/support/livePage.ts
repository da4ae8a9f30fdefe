// A minimal page on @mongo-live/client, bundled for the browser by buildLivePage(): one live query
// of ?db=&coll= sorted by n, rendered as a list, with its status and every status it went through.
import { createLiveClient } from '@mongo-live/client';

const params = new URLSearchParams(location.search);
const live = createLiveClient();
const query = live
  .db(params.get('db') ?? 'test')
  .collection(params.get('coll') ?? 'items')
  .liveQuery({}, { sort: { n: 1 } });
const statuses: string[] = [];
let fewestShownWhileMoving = Number.POSITIVE_INFINITY;
const page = window as unknown as { liveStatuses: string[]; fewestShown: () => number };
page.liveStatuses = statuses;
page.fewestShown = () => fewestShownWhileMoving;

function render() {
  const { docs, status } = query.getSnapshot();
  if (statuses.at(-1) !== status) statuses.push(status);
  if (statuses.includes('live') && status !== 'live')
    fewestShownWhileMoving = Math.min(fewestShownWhileMoving, docs.length);
  document.getElementById('status')!.textContent = status;
  document.getElementById('docs')!.innerHTML = docs
    .map((d) => `<li data-testid="doc" data-n="${String(d.n)}">${String(d.n)}</li>`)
    .join('');
}
query.subscribe(render);
render();
