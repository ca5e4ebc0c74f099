/**
 * Outside attack round 33 (helper-75): an approved build that runs gcc or
 * Perl's generated makefile under `npm run` starts, by a name no script
 * writes, a linker (`ld.gold` for `-fuse-ld=gold`) or a target-named compiler
 * (`x86_64-linux-gnu-gcc`) that a hoisted package's bin can replace.
 */
import assert from 'node:assert/strict';

import {isSystemTool} from '../../sources/installScripts/policy/installClosure';

describe(`outside attack round 33`, () => {
  it(`M2, M5, M7: the linkers gcc picks by -fuse-ld, target-named and versioned toolchain programs are system tools`, () => {
    for (const name of [`ld.gold`, `ld.bfd`, `ld.lld`, `ld.mold`, `mold`, `x86_64-linux-gnu-gcc`, `aarch64-linux-gnu-ld`, `arm-none-eabi-gcc`, `gcc-12`, `clang-15`, `python3.11`])
      assert.ok(isSystemTool(name), name);
  });

  it(`the names of ordinary bins are not`, () => {
    for (const name of [`my-cc`, `esbuild`, `tsc`, `prettier-2`, `node-gyp`, `eslint`, `cc-test-reporter`])
      assert.ok(!isSystemTool(name), name);
  });

  it(`round 34 (M1-M3): what lsb_release, dpkg-architecture and Python's ctypes.util start by name are system tools`, () => {
    for (const name of [`getopt`, `dpkg`, `objdump`, `lsb_release`, `dpkg-architecture`, `readelf`, `ldd`, `seq`, `base64`])
      assert.ok(isSystemTool(name), name);
  });

  it(`round 35 (M1, M2): what cargo starts by name (rustc, rustdoc, rustfmt, clippy-driver) are system tools`, () => {
    for (const name of [`rustc`, `rustdoc`, `rustfmt`, `clippy-driver`, `cargo`, `go`])
      assert.ok(isSystemTool(name), name);
  });
});
