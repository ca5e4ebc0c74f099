/**
 * What a tsconfig.json tells a TypeScript runner (tsx, ts-node) about where
 * imports load from: the configurations it extends, `paths` and `baseUrl`,
 * the package `jsxImportSource` names for JSX, and the modules ts-node's own
 * section loads. Pure: text in, values out.
 */

export interface TsconfigModules {
  /** `extends`, as written: `./base.json`, `@tsconfig/node20/tsconfig.json`, `pkg`. */
  extends: Array<string>;
  /** `compilerOptions.baseUrl`, relative to the file's folder. */
  baseUrl: string | null;
  /** Every target of `compilerOptions.paths`, relative to baseUrl (or to the file's folder without one). */
  pathTargets: Array<string>;
  /** `compilerOptions.jsxImportSource`. */
  jsxImportSource: string | null;
  /** The module JSX imports from `jsxImportSource` (`react` by default) under `compilerOptions.jsx` `react-jsx` or `react-jsxdev`. */
  jsxRuntime: JsxRuntime | null;
  /** `compilerOptions.jsxFactory`: what classic JSX calls with each element (`h`, `React.createElement`). */
  jsxFactory: string | null;
  /**
   * What ts-node loads by the `"ts-node"` section: the modules of `require`
   * (preloaded), `compiler` (in place of typescript), `transpiler` (a name,
   * or the name of `[name, options]`), `swc: true` (its swc transpiler and
   * `@swc/core`); relative to the file's folder, as written.
   */
  tsNodeModules: Array<string>;
}

/** JSON with comments and trailing commas, as tsc reads it (a `//` inside a string is kept). */
export function parseJsonc(raw: string): unknown {
  return JSON.parse(raw.replace(/("(?:[^"\\\n]|\\.)*")|\/\/[^\n]*|\/\*[^]*?\*\//g, (_, string: string | undefined) => string ?? ``).replace(/,(\s*[}\]])/g, `$1`));
}

const strings = (list: unknown): Array<string> => (Array.isArray(list) ? list.filter((value): value is string => typeof value === `string`) : []);

/** Throws when the text is no tsconfig that can be read: what it maps cannot be told. */
export function readTsconfig(raw: string): TsconfigModules {
  const parsed = parseJsonc(raw) as Record<string, unknown> | null;
  if (typeof parsed !== `object` || parsed === null || Array.isArray(parsed))
    throw new Error(`it is no JSON object`);
  const options = typeof parsed.compilerOptions === `object` && parsed.compilerOptions !== null ? parsed.compilerOptions as Record<string, unknown> : {};
  const pathTargets: Array<string> = [];
  if (typeof options.paths === `object` && options.paths !== null)
    for (const targets of Object.values(options.paths))
      pathTargets.push(...strings(targets));
  const tsNode = typeof parsed[`ts-node`] === `object` && parsed[`ts-node`] !== null ? parsed[`ts-node`] as Record<string, unknown> : {};
  const transpiler = Array.isArray(tsNode.transpiler) ? tsNode.transpiler[0] : tsNode.transpiler;
  const tsNodeModules = [
    ...strings(tsNode.require),
    ...strings([tsNode.compiler, transpiler]),
    ...tsNode.swc === true ? [`ts-node/transpilers/swc`, `@swc/core`] : [],
  ];
  return {
    tsNodeModules,
    extends: typeof parsed.extends === `string` ? [parsed.extends] : strings(parsed.extends),
    baseUrl: typeof options.baseUrl === `string` ? options.baseUrl : null,
    pathTargets,
    jsxImportSource: typeof options.jsxImportSource === `string` ? options.jsxImportSource : null,
    jsxFactory: typeof options.jsxFactory === `string` ? options.jsxFactory : null,
    jsxRuntime: typeof options.jsx !== `string` ? null : /^react-jsx$/i.test(options.jsx) ? `jsx-runtime` : /^react-jsxdev$/i.test(options.jsx) ? `jsx-dev-runtime` : null,
  };
}

export type JsxRuntime = `jsx-runtime` | `jsx-dev-runtime`;

/** `/** @jsx h *\/`: the factory a file's classic JSX calls, as its pragma names it. */
export function jsxFactoryPragmas(code: string): Array<string> {
  return [...code.matchAll(/@jsx\s+([^\s*]+)/g)].map(match => match[1]);
}

/**
 * The names that JSX passes as strings to its factory: `<div>`, `<x-y>`,
 * `<a:b>` (a capitalized name or a member expression is a value). Read
 * loosely: a comparison `a <b` counts too, which only adds calls.
 */
export function jsxIntrinsicNames(code: string): Array<string> {
  return [...new Set([...code.matchAll(/<\s*([a-z][\w-]*(?::[\w-]+)?|[A-Za-z_$][\w$]*-[\w$-]*)(?=[\s/>{])/g)].map(match => match[1]))];
}

/** `/** @jsxRuntime automatic *\/`: the file's JSX imports `jsx-runtime` (from `react` unless a source is named). */
export function hasAutomaticJsxPragma(code: string): boolean {
  return /@jsxRuntime\s+automatic\b/.test(code);
}

/** `/** @jsxImportSource preact *\/`: the package a JSX file's pragma names. */
export function jsxPragmaSources(code: string): Array<string> {
  return [...code.matchAll(/@jsxImportSource\s+([^\s*]+)/g)].map(match => match[1]);
}

/**
 * The specifiers TypeScript's resolution tries for a relative import beside
 * Node's own: `./x.js` is also `./x.ts`, `./x` also `./x.ts` and
 * `./x/index.ts` (tsx and ts-node follow tsc here).
 */
export function typescriptCandidates(specifier: string): Array<string> {
  const bare = specifier.replace(/[?#].*$/s, ``);
  const swapped: Record<string, Array<string>> = {[`.js`]: [`.ts`, `.tsx`], [`.jsx`]: [`.tsx`], [`.mjs`]: [`.mts`], [`.cjs`]: [`.cts`]};
  const extension = /\.[cm]?jsx?$/.exec(bare)?.[0];
  if (extension !== undefined)
    return swapped[extension].map(replacement => bare.slice(0, -extension.length) + replacement);
  if (/\.[cm]?tsx?$/.test(bare))
    return [];
  const base = bare.replace(/\/+$/, ``);
  return [`.ts`, `.tsx`, `.mts`, `.cts`].flatMap(suffix => [...(bare.endsWith(`/`) ? [] : [`${base}${suffix}`]), `${base}/index${suffix}`]);
}
