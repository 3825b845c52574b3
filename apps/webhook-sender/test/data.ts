/** `{"a":{"a":…}}` nested `depth` levels, built without recursion (deeper than any serialiser's stack allows). */
export function deeplyNestedData(depth: number): Record<string, unknown> {
  let data: Record<string, unknown> = { leaf: 'bottom' };
  for (let i = 0; i < depth; i++) data = { a: data };
  return data;
}
