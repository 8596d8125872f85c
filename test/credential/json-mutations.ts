// Single-fault mutations of a JSON value, for holding the eval-free schema checker to TypeBox
// (test/credential/format-validators.test.ts, test/verifier/trust-list-schema.test.ts).
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values of every JSON type and edge a field can meet. */
const REPLACEMENTS: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53,
  '',
  'x',
  'x'.repeat(300),
  'not base64!',
  'AAAA',
  '\u0007',
  [],
  [1],
  ['a', 'a'],
  {},
  { x: 1 },
];

/** Every single-fault mutation of `value`: each location replaced, removed or given an extra field. */
export function mutations(value: Json): Json[] {
  const out: Json[] = [];
  const visit = (node: Json, rebuild: (replacement: Json | undefined) => Json): void => {
    for (const replacement of REPLACEMENTS) out.push(rebuild(replacement));
    if (Array.isArray(node)) {
      node.forEach((item, i) =>
        visit(item, (r) =>
          rebuild(r === undefined ? node.filter((_, j) => j !== i) : node.map((x, j) => (j === i ? r : x))),
        ),
      );
      out.push(rebuild([...node, ...node.slice(0, 1)]));
    } else if (node !== null && typeof node === 'object') {
      out.push(rebuild({ ...node, extraField: 1 }));
      for (const key of Object.keys(node)) {
        visit(node[key]!, (r) => {
          const copy = { ...node };
          if (r === undefined) delete copy[key];
          else copy[key] = r;
          return rebuild(copy);
        });
      }
    }
    const removed = rebuild(undefined);
    if (removed !== undefined) out.push(removed);
  };
  visit(value, (r) => r as Json);
  return out;
}
