/**
 * Outside attack round 17 (configuration files, the folder a program runs in):
 * a program's name in a configuration value, found on the PATH npm builds;
 * files handed to programs; build.ninja; gyp includes by `..`; a jar's
 * Class-Path.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {classPathOf, classPathOutside, jarManifestText} from '../../sources/installScripts/policy/fingerprint/jarManifest';
import {directReaches} from '../../sources/installScripts/policy/installClosure';
import {handZip} from './support/handZip';
import {memoryPackage} from './support/memoryPackage';

function analysed(scripts: Record<string, string>, files: Record<string, string | Buffer> = {}, manifestExtra: Record<string, unknown> = {}) {
  const manifest = {name: `zqtool`, version: `1.0.0`, scripts, ...manifestExtra};
  const commands = Object.fromEntries(Object.entries(scripts).filter(([name]) => /^(?:preinstall|install|postinstall)$/.test(name)));
  return analyzeInstall({commands, manifestScripts: scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: true});
}

/** A jar made by the JDK's jar tool: Main-Class H, Class-Path ../zqhelp/h.jar lib/ok.jar (deflated manifest). */
const JAR = Buffer.from(`UEsDBBQACAgIAESEhV0AAAAAAAAAAAAAAAAJAAQATUVUQS1JTkYv/soAAAMAUEsHCAAAAAACAAAAAAAAAFBLAwQUAAgICABEhIVdAAAAAAAAAAAAAAAAFAAAAE1FVEEtSU5GL01BTklGRVNULk1G803My0xLLS7RDUstKs7Mz7NSMNQz4OXyTczM03XOSSwutlLw4OUCs3QDEksyrBT09PSrCjNScwr0M/SyEosUcjKT9POzQUyguqLUxJLUFF2nSqA55noGeoamChouqUmZiXmavFy8XABQSwcI9Exa3mgAAABuAAAAUEsDBBQACAgIAESEhV0AAAAAAAAAAAAAAAAKAAAAU3R1Yi5jbGFzczv1b9c+BgYGWwZeLgYmBmZ2BhYeBlYGNkYGgazEskT9nMS8dH3/pKzU5BJGBjabzLzMEjtGBmYNzTB2Bg5GBpbgktIkIOWcn5LKyMDvk5mX6leam5RaFJKYlAMU4QrOLy1KTnXLBHE4QYr1QMYyKDCwA20DAUYgBtoHpDmBLFkgDRbR2s7AuBEszQUk2cCCICluIM3EwAMAUEsHCJuyjA+YAAAAtgAAAFBLAQIUABQACAgIAESEhV0AAAAAAgAAAAAAAAAJAAQAAAAAAAAAAAAAAAAAAABNRVRBLUlORi/+ygAAUEsBAhQAFAAICAgARISFXfRMWt5oAAAAbgAAABQAAAAAAAAAAAAAAAAAPQAAAE1FVEEtSU5GL01BTklGRVNULk1GUEsBAhQAFAAICAgARISFXZuyjA+YAAAAtgAAAAoAAAAAAAAAAAAAAAAA5wAAAFN0dWIuY2xhc3NQSwUGAAAAAAMAAwC1AAAAtwEAAAAA`, `base64`);

/** A zip with one stored (uncompressed) entry. */
function storedZip(name: string, text: string): Buffer {
  return handZip([{name, data: Buffer.from(text)}]);
}

describe(`outside attack round 17: configuration and the files programs are handed`, () => {
  describe(`H2-H4: a program's name in a configuration value is a name the scripts may run`, () => {
    for (const [label, scripts, files, extra, name] of [
      [`.npmrc python= (H2)`, {install: `npm run build`, build: `node-gyp rebuild`}, {[`.npmrc`]: `python=zqpy\n`, [`binding.gyp`]: `{"targets": []}`}, {}, `zqpy`],
      [`package.json config.node_gyp_python (H3)`, {install: `npm run build`, build: `node-gyp rebuild`}, {[`binding.gyp`]: `{"targets": []}`}, {config: {node_gyp_python: `zqcfg`}}, `zqcfg`],
      [`.cargo/config.toml rustc-wrapper (H4)`, {install: `npm run build`, build: `cargo build`}, {[`.cargo/config.toml`]: `[build]\nrustc-wrapper = "zqrw"\n`}, {}, `zqrw`],
      [`binding.gyp make_global_settings (E4)`, {install: `node-gyp rebuild`}, {[`binding.gyp`]: `{"make_global_settings": [["CC", "$(firstword zqcc)"]], "targets": []}`}, {}, `zqcc`],
    ] as Array<[string, Record<string, string>, Record<string, string>, Record<string, unknown>, string]>) {
      it(`${label}: the name is a mention`, () => {
        assert.ok(analysed(scripts, files, extra).mentions.includes(name), JSON.stringify(analysed(scripts, files, extra).mentions));
      });
    }

    it(`a mention is resolved on npm's PATH, where the linker links the bins of hoisted packages`, () => {
      const hoisted = new Map([[`zqpy`, [{id: `helper`, path: `py.js`}]]]);
      const {reaches} = directReaches({commands: [`npm`], modules: [], bins: new Map(), topLevelBins: new Map(), npmPathBins: () => hoisted, resolveName: () => [], ownName: `zqtool`, mentions: [`zqpy`]});
      assert.deepEqual(reaches.map(reach => reach.id), [`helper`]);
    });
  });

  describe(`H5, H6: files that programs read`, () => {
    for (const [postinstall, file, text] of [
      [`awk -f x.awk /dev/null`, `x.awk`, `BEGIN { system("node ../zqhelp/x.js") }\n`],
      [`sed -f x.sed /dev/null`, `x.sed`, `1e node ../zqhelp/x.js\n`],
      [`ninja -f x.ninja`, `x.ninja`, `include ../zqhelp/rules.ninja\n`],
      [`gdb -batch -x x.gdb`, `x.gdb`, `shell node ../zqhelp/x.js\n`],
      [`tclsh x.tcl`, `x.tcl`, `exec node ../zqhelp/x.js\n`],
      [`sqlite3 -init x.sql :memory: .quit`, `x.sql`, `.shell node ../zqhelp/x.js\n`],
    ]) {
      it(`${postinstall}: ${file} names a file outside the package`, () => {
        const analysis = analysed({postinstall}, {[file]: text});
        assert.ok(analysis.foreignRuns.some(line => line.startsWith(`${file}, `) && line.includes(`../zqhelp/`)), JSON.stringify(analysis.foreignRuns));
      });
    }

    it(`build.ninja, which ninja reads from the folder it runs in (H5)`, () => {
      const analysis = analysed({postinstall: `ninja`}, {[`build.ninja`]: `include ../zqhelp/rules.ninja\n`});
      assert.ok(analysis.foreignRuns.some(line => line.startsWith(`build.ninja, read by ninja`)), JSON.stringify(analysis.foreignRuns));
    });

    it(`a file that stays inside the package is fine`, () => {
      assert.deepEqual(analysed({postinstall: `awk -f x.awk /dev/null`}, {[`x.awk`]: `BEGIN { system("node lib/x.js") }\n`, [`lib/x.js`]: ``}).foreignRuns, []);
    });
  });

  it(`E4: binding.gyp that includes another package's .gyp by .. is refused, not only named`, () => {
    const analysis = analysed({install: `node-gyp rebuild`}, {[`binding.gyp`]: `{"includes": ["../zqhelp/h.gypi"], "targets": []}`});
    assert.ok(analysis.foreignRuns.some(line => line.includes(`includes ../zqhelp/h.gypi, outside the package`)), JSON.stringify(analysis));
  });

  describe(`H1: a jar's Class-Path`, () => {
    it(`reads a deflated manifest made by the JDK`, () => {
      assert.deepEqual(classPathOf(jarManifestText(JAR)!), [`../zqhelp/h.jar`, `lib/ok.jar`]);
    });

    it(`reads a stored manifest, continuation lines joined`, () => {
      const zip = storedZip(`META-INF/MANIFEST.MF`, `Manifest-Version: 1.0\r\nClass-Path: a.jar ../zq\r\n help/h.jar\r\n\r\n`);
      assert.deepEqual(classPathOf(jarManifestText(zip)!), [`a.jar`, `../zqhelp/h.jar`]);
    });

    it(`names the entries outside the package, from the jar's folder`, () => {
      const manifest = `Class-Path: ../zq/h.jar lib/ok.jar /opt/x.jar file:/tmp/y.jar %2e%2e/z.jar\n`;
      assert.deepEqual(classPathOutside(`tool.jar`, manifest), [`../zq/h.jar`, `/opt/x.jar`, `file:/tmp/y.jar`, `%2e%2e/z.jar`]);
      assert.deepEqual(classPathOutside(`a/b/tool.jar`, `Class-Path: ../ok.jar\n`), []);
    });

    it(`a dependency that ships such a jar is refused; one whose jar stays inside is not`, () => {
      assert.ok(analysed({postinstall: `java -jar tool.jar`}, {[`tool.jar`]: JAR}).foreignRuns.some(line => line.startsWith(`tool.jar, a Java archive`)));
      const inside = storedZip(`META-INF/MANIFEST.MF`, `Class-Path: lib/ok.jar\n`);
      assert.deepEqual(analysed({postinstall: `java -jar tool.jar`}, {[`tool.jar`]: inside}).foreignRuns, []);
    });

    it(`a jar that is no zip is refused: what its Class-Path loads cannot be decided`, () => {
      assert.ok(analysed({postinstall: `java -jar tool.jar`}, {[`tool.jar`]: `not a zip`}).foreignRuns.some(line => line.startsWith(`tool.jar: a Java archive whose manifest could not be read`)));
    });
  });
});
