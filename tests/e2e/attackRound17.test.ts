/**
 * Outside attack round 17 (configuration files and the files programs read):
 * a dependency's install script hands a program a file that names another
 * package's code by `..` (awk's program file), or runs a jar whose manifest's
 * Class-Path loads another package's classes. Both ran code no approval held
 * with the session-start bundle; each test fails on its marker there.
 */
import {spawnSync} from 'child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'fs';
import os from 'os';
import path from 'path';

import {assertRefusedEvenAfterApproval, markerCode as PWN, plain, suiteRegistry} from './harness';

const hasJava = spawnSync(`javac`, [`-version`]).status === 0 && spawnSync(`jar`, [`--version`]).status === 0;

/** A jar built with the JDK: `classes` as Java sources, and the manifest lines given. */
function buildJar(classes: Record<string, string>, manifest: string): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), `trust-e2e-jar-`));
  try {
    for (const [name, source] of Object.entries(classes))
      writeFileSync(path.join(dir, `${name}.java`), source);
    writeFileSync(path.join(dir, `manifest.txt`), manifest);
    for (const [command, args] of [[`javac`, Object.keys(classes).map(name => `${name}.java`)], [`jar`, [`cfm`, `out.jar`, `manifest.txt`, ...Object.keys(classes).map(name => `${name}.class`)]]] as Array<[string, Array<string>]>) {
      const result = spawnSync(command, args, {cwd: dir, encoding: `utf8`});
      if (result.status !== 0)
        throw new Error(`${command} failed: ${result.stderr}`);
    }
    return readFileSync(path.join(dir, `out.jar`));
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

const MARKER_CLASS = `public class H { public static void main(String[] a) throws Exception { java.nio.file.Files.writeString(java.nio.file.Path.of(System.getenv("TRUST_MARKERS"), "j1-class-path-ran"), "x"); } }\n`;

describe(`attack round 17: files that programs read (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-17`, () => [
    // H6: awk runs what its program file says, here the package next door's code.
    plain(`zqa6tool`, `1.0.0`, {scripts: {postinstall: `awk -f x.awk /dev/null`}, files: {[`x.awk`]: `BEGIN { system("node ../zqa6help/x.js") }\n`}}),
    plain(`zqa6help`, `1.0.0`, {files: {[`x.js`]: PWN(`a6-awk-program-ran`)}}),
    // H1: java -jar loads the archives the manifest's Class-Path lists, relative to the jar.
    ...hasJava ? [
      plain(`zqj1tool`, `1.0.0`, {scripts: {postinstall: `java -jar tool.jar`}, files: {[`tool.jar`]: buildJar({Stub: `class Stub {}\n`}, `Main-Class: H\nClass-Path: ../zqj1help/h.jar\n`)}}),
      plain(`zqj1help`, `1.0.0`, {files: {[`h.jar`]: buildJar({H: MARKER_CLASS}, `Created-By: test\n`)}}),
    ] : [],
  ]);

  it(`H6: a dependency's awk program file that runs node ../<sibling>/x.js is refused, also after an approval, and the sibling's code never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqa6tool: `1.0.0`, zqa6help: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqa6tool`, /x\.awk, a file the install script hands to a program, names \.\.\/zqa6help\/x\.js, outside the package/);
  });

  it(`H1: a dependency's jar whose manifest Class-Path names ../<sibling>/h.jar is refused, also after an approval, and the sibling's class never runs`, async function() {
    if (!hasJava)
      this.skip();
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqj1tool: `1.0.0`, zqj1help: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqj1tool`, /tool\.jar, a Java archive whose manifest's Class-Path java loads, names \.\.\/zqj1help\/h\.jar, outside the package/);
  });
});
