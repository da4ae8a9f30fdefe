import { RE2JS } from 're2js';

const s = 'abcdefghij'.repeat(100000);
for (const p of ['^abc', 'xyz', 'j$', '(a+)+$', '[a-z]+@[a-z]+\\.com', 'hij', '(?i)HIJ']) {
  const re = RE2JS.compile(p, 0);
  let t = performance.now();
  const f = re.matcher(s).find();
  const ms = performance.now() - t;
  t = performance.now();
  new RegExp(p.replace('(?i)', '')).test(s);
  const nat = performance.now() - t;
  console.log(p, f, ms.toFixed(1), 'native', nat.toFixed(1));
}
