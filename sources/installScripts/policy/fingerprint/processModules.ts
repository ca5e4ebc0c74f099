/**
 * The modules that start processes (`child_process` and its look-alikes):
 * every load of one must bind it to names whose every use is a call the
 * scan reads; the calls found are left on the reader for the options check.
 */

import {type TokenReader} from './tokenReader';

/** Modules whose functions start processes, with the functions the scan reads, and whether the module itself is such a function. */
interface ProcessModule {
  functions: ReadonlySet<string>;
  callable: boolean;
}
const CHILD_PROCESS: ProcessModule = {functions: new Set([`spawn`, `spawnSync`, `exec`, `execSync`, `execFile`, `execFileSync`, `fork`]), callable: false};
const PROCESS_MODULES = new Map<string, ProcessModule>([
  [`child_process`, CHILD_PROCESS],
  [`node:child_process`, CHILD_PROCESS],
  [`cross-spawn`, {functions: new Set([`spawn`, `sync`]), callable: true}],
  [`execa`, {functions: new Set([`execa`, `execaSync`, `execaCommand`, `execaCommandSync`, `sync`]), callable: true}],
  [`shelljs`, {functions: new Set([`exec`]), callable: false}],
]);
/** Names the call pattern reads when called directly: what a callable module or a destructured function may be bound to. */
const CALLED_DIRECTLY = new Set([`spawn`, `spawnSync`, `exec`, `execSync`, `execFile`, `execFileSync`, `fork`, `execa`, `execaSync`, `execaCommand`, `execaCommandSync`]);
/** `name.sync(…)` is read for these. */
const SYNC_OWNERS = new Set([`spawn`, `execa`]);
/** How compilers wrap a required module (TypeScript, Babel, esbuild): `_interopRequireWildcard(require('child_process'))`. */
const INTEROP_WRAPPER = /^_*(?:interopRequireWildcard|interopRequireDefault|importStar|importDefault|toESM)\d*$/;

/** The modules that start processes: every place that names one must bind it in a form the call pattern reads. */
export function moduleUses(reader: TokenReader): {names: Array<string>, mentioned: boolean, unread: string | null} {
  const {tokens} = reader;
  const names: Array<string> = [];
  let mentioned = false;
  let unread: string | null = null;
  const note = (from: number, to: number) => {
    unread ??= reader.text(from, to);
  };
  for (let index = 0; index < tokens.length; index++) {
    const name = reader.literal(index);
    const module = name === null ? undefined : PROCESS_MODULES.get(name);
    if (module === undefined)
      continue;
    mentioned = true;
    // A name in a list or a comparison loads nothing; a load of it by a
    // name built from the list is a computed load, which the scan names.
    if (!reader.isName(index - 1, `from`, `import`) && !loadArgument(reader, index))
      continue;
    // `import … from 'child_process'`
    if (reader.isName(index - 1, `from`)) {
      const bound = importBindings(reader, index - 1);
      if (bound === null) {
        note(index - 1, index);
        continue;
      }
      for (const binding of bound)
        checkBinding(reader, binding, module, note, names);
      continue;
    }
    // `require('child_process')`, possibly inside a compiler's wrapper.
    if (!(reader.isPunct(index - 1, `(`) && reader.isPunct(index + 1, `)`) && reader.isVariable(index - 2) && tokens[index - 2].value === `require`)) {
      note(index - 2, index + 1);
      continue;
    }
    let callStart = index - 2;
    let callEnd = index + 1;
    if (reader.isPunct(callStart - 1, `(`) && reader.isVariable(callStart - 2) && INTEROP_WRAPPER.test(tokens[callStart - 2].value) && reader.isPunct(callEnd + 1, `)`)) {
      callStart -= 2;
      callEnd += 1;
    }
    // `require('child_process').spawn(…)`: read by the call pattern.
    const member = reader.memberAfter(callEnd + 1);
    if (member !== null) {
      // `const spawn = require('child_process').spawn`: under its own name, which the call pattern reads.
      if (member.name !== null && module.functions.has(member.name) && reader.isPunct(callStart - 1, `=`) && reader.isName(callStart - 2, member.name) && reader.isPunct(member.next, `;`, `,`)) {
        checkBinding(reader, {name: member.name, at: callStart - 2, whole: false}, module, note, names);
        continue;
      }
      if (member.name === null || !module.functions.has(member.name) || !reader.isPunct(member.next, `(`))
        note(callStart, member.next);
      else
        reader.processCalls.push({open: member.next, method: member.name});
      continue;
    }
    // `const cp = require(…)`, `cp = require(…)`, `const {spawn, execSync} = require(…)`.
    if (reader.isPunct(callStart - 1, `=`)) {
      if (reader.isVariable(callStart - 2)) {
        checkBinding(reader, {name: tokens[callStart - 2].value, at: callStart - 2, whole: true}, module, note, names);
        continue;
      }
      if (reader.isPunct(callStart - 2, `}`)) {
        const bound = destructuredNames(reader, reader.partner[callStart - 2]);
        if (bound !== null) {
          for (const binding of bound)
            checkBinding(reader, binding, module, note, names);
          continue;
        }
      }
    }
    // A statement of its own (`require('child_process');`) binds nothing.
    if (reader.isPunct(callEnd + 1, `;`) && (callStart === 0 || reader.isPunct(callStart - 1, `;`, `{`, `}`)))
      continue;
    note(callStart, callEnd);
  }
  // `process.binding('spawn_sync')`: Node's own process spawner, reached without the module.
  for (let index = 0; index < tokens.length && unread === null; index++) {
    const member = reader.isName(index, `process`) && reader.isVariable(index) ? reader.memberAfter(index + 1) : null;
    if (member !== null && (member.name === null || member.name === `binding` || member.name === `_linkedBinding`))
      note(index, member.next);
  }
  return {names, mentioned, unread};
}

/**
 * A string handed to what looks like a loader: `require(…)`, `import(…)`,
 * `module.require(…)`, `__require(…)`, `createRequire(…)(…)`. A loader taken
 * under another name (`const r = require`) is named by the scan of loaders.
 */
export function loadArgument(reader: TokenReader, index: number): boolean {
  if (!reader.isPunct(index - 1, `(`) || !reader.isPunct(index + 1, `)`, `,`))
    return false;
  const callee = reader.tokens[index - 2];
  return callee !== undefined && ((callee.kind === `name` && /require|import|load|getBuiltinModule/i.test(callee.value)) || (callee.kind === `punct` && (callee.value === `)` || callee.value === `]`)));
}

interface Binding {
  name: string;
  /** Where the name is declared. */
  at: number;
  /** Bound to the module object (not to one of its functions). */
  whole: boolean;
}

/** `{spawn, execSync}` from its `{`: the names, each bound to the function of its own name; null for a rename, a default, a rest or a nested pattern. */
export function destructuredNames(reader: TokenReader, open: number): Array<Binding> | null {
  const close = reader.partner[open];
  if (open === -1 || close === -1)
    return null;
  const bindings: Array<Binding> = [];
  for (let index = open + 1; index < close; index += 2) {
    if (!reader.isName(index) || !reader.isPunct(index + 1, `,`, `}`))
      return null;
    bindings.push({name: reader.tokens[index].value, at: index, whole: false});
  }
  return bindings;
}

/** The bindings of `import … from` whose `from` is at `from`; null for a rename (`as`) of a function or an export. */
export function importBindings(reader: TokenReader, from: number): Array<Binding> | null {
  let start = from - 1;
  while (start >= 0 && !reader.isName(start, `import`, `export`))
    start--;
  if (start < 0 || reader.isName(start, `export`))
    return null;
  const bindings: Array<Binding> = [];
  let index = start + 1;
  while (index < from) {
    if (reader.isName(index) && (reader.isPunct(index + 1, `,`) || index + 1 === from)) {
      // `import cp from …`
      bindings.push({name: reader.tokens[index].value, at: index, whole: true});
      index += 2;
    } else if (reader.isPunct(index, `*`) && reader.isName(index + 1, `as`) && reader.isName(index + 2)) {
      bindings.push({name: reader.tokens[index + 2].value, at: index + 2, whole: true});
      index += 3;
      if (reader.isPunct(index, `,`))
        index++;
    } else if (reader.isPunct(index, `{`)) {
      const named = destructuredNames(reader, index);
      if (named === null)
        return null;
      bindings.push(...named);
      index = reader.partner[index] + 1;
      if (reader.isPunct(index, `,`))
        index++;
    } else {
      return null;
    }
  }
  return bindings;
}

/** Every use of a name bound to a module (or to one of its functions) must be a call the call pattern reads. */
function checkBinding(reader: TokenReader, binding: Binding, module: ProcessModule, note: (from: number, to: number) => void, names: Array<string>) {
  const {tokens} = reader;
  // Each name is read once (a text that binds one name many times costs no more).
  if (names.includes(binding.name) || reader.checked.has(binding.name))
    return;
  reader.checked.add(binding.name);
  if (!binding.whole && !CALLED_DIRECTLY.has(binding.name) && !module.functions.has(binding.name)) {
    note(binding.at, binding.at);
    return;
  }
  if (binding.whole)
    names.push(binding.name);
  for (let index = 0; index < tokens.length; index++) {
    if (index === binding.at || tokens[index].kind !== `name` || tokens[index].value !== binding.name || !reader.isVariable(index))
      continue;
    if (reader.isName(index - 1, `typeof`))
      continue;
    const called = reader.isPunct(index + 1, `(`);
    if (binding.whole) {
      if (called && module.callable && CALLED_DIRECTLY.has(binding.name)) {
        reader.processCalls.push({open: index + 1, method: binding.name});
        continue;
      }
      const member = reader.memberAfter(index + 1);
      const readable = member !== null && member.name !== null && module.functions.has(member.name) && (member.name !== `sync` || SYNC_OWNERS.has(binding.name));
      // `cp.spawn(…)`, and `(0, cp.spawn)(…)` as TypeScript and esbuild compile a call.
      if (readable && reader.isPunct(member.next, `(`)) {
        reader.processCalls.push({open: member.next, method: member!.name === `sync` ? binding.name : member!.name!});
        continue;
      }
      if (readable && reader.isPunct(member.next, `)`) && reader.isPunct(index - 1, `,`) && reader.tokens[index - 2]?.value === `0` && reader.isPunct(index - 3, `(`) && reader.isPunct(member.next + 1, `(`)) {
        reader.processCalls.push({open: member.next + 1, method: member!.name!});
        continue;
      }
      note(index, member?.next ?? index + 1);
    } else {
      if (called && CALLED_DIRECTLY.has(binding.name)) {
        reader.processCalls.push({open: index + 1, method: binding.name});
        continue;
      }
      const sync = binding.name === `spawn` ? reader.memberAfter(index + 1) : null;
      if (sync !== null && sync.name === `sync` && reader.isPunct(sync.next, `(`)) {
        reader.processCalls.push({open: sync.next, method: `spawn`});
        continue;
      }
      note(index, index + 1);
    }
  }
}
