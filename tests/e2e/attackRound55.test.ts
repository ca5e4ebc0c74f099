/**
 * Outside attack round 55: Node options that change which files Node loads:
 * `--experimental-wasm-modules`, under which a `.wasm` file's import section
 * names modules Node imports (here `../zq55evil/index.mjs`, beside the
 * package: W2), and `NODE_PRESERVE_SYMLINKS=1` (P1). Each test fails on the
 * bundle of round 55.
 */
import {assertRefusedEvenAfterApproval, plain, suiteRegistry} from './harness';

/** A WebAssembly module that imports the function `f` of the module `from` (and does nothing else). */
function wasmImporting(from: string): Buffer {
  const name = (text: string) => [text.length, ...Buffer.from(text)];
  const types = [0x01, 0x60, 0x00, 0x00];
  const imports = [0x01, ...name(from), ...name(`f`), 0x00, 0x00];
  return Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, types.length, ...types, 0x02, imports.length, ...imports]);
}

/** ESM code that writes a marker, as the harness's markers do. */
const ESM_MARKER = (name: string) => `import {writeFileSync} from 'node:fs';\nimport {join} from 'node:path';\nwriteFileSync(join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\nexport function f() {}\n`;

describe(`outside attack round 55 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-55`, () => [
    plain(`zq55evil`, `1.0.0`, {files: {[`index.mjs`]: ESM_MARKER(`wasm-import-ran`)}}),
    plain(`zq55wasm`, `1.0.0`, {scripts: {postinstall: `node --experimental-wasm-modules install.mjs`}, files: {[`install.mjs`]: `import './m.wasm';\n`, [`m.wasm`]: wasmImporting(`../zq55evil/index.mjs`)}}),
    plain(`zq55link`, `1.0.0`, {scripts: {postinstall: `NODE_PRESERVE_SYMLINKS=1 node install.js`}, files: {[`install.js`]: `console.log('links preserved');\n`}}),
  ]);

  it(`an install script that runs node --experimental-wasm-modules is refused, and what the .wasm imports never runs (W2)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq55wasm: `1.0.0`, zq55evil: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}});
    await assertRefusedEvenAfterApproval(app, `zq55wasm`, /node --experimental-wasm-modules changes which files Node loads/);
  });

  it(`an install script that sets NODE_PRESERVE_SYMLINKS=1 is refused (P1)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq55link: `1.0.0`}}, yarnrc: {nodeLinker: `pnpm`}});
    await assertRefusedEvenAfterApproval(app, `zq55link`, /node --preserve-symlinks changes which files Node loads/);
  });
});
