/** The tree the strict JSON parser returns: every value and key with its position, and the plain value without them. */

export interface Pos {
  line: number;
  column: number;
}

export interface JsonEntry {
  key: string;
  keyPos: Pos;
  value: JsonNode;
}

export type JsonNode =
  | {kind: `object`, entries: Array<JsonEntry>, pos: Pos}
  | {kind: `array`, items: Array<JsonNode>, pos: Pos}
  | {kind: `string`, value: string, pos: Pos}
  | {kind: `number`, value: number, pos: Pos}
  | {kind: `boolean`, value: boolean, pos: Pos}
  | {kind: `null`, pos: Pos};

export type JsonObjectNode = Extract<JsonNode, {kind: `object`}>;

export type JsonValue = null | boolean | number | string | Array<JsonValue> | {[key: string]: JsonValue};

/** Drops positions. Keys become own data properties, so "__proto__" stays a key. */
export function toPlain(node: JsonNode): JsonValue {
  switch (node.kind) {
    case `object`: {
      const result: {[key: string]: JsonValue} = {};
      for (const entry of node.entries)
        Object.defineProperty(result, entry.key, {value: toPlain(entry.value), enumerable: true, writable: true, configurable: true});
      return result;
    }
    case `array`:
      return node.items.map(toPlain);
    case `null`:
      return null;
    default:
      return node.value;
  }
}
