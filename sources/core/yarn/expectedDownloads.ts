/**
 * Downloads the plugin makes for itself (the malware feed's tarball), which
 * are no package of the project: the code that makes one says first which URL
 * it expects and with which integrity, and the checksum check's network hook,
 * which refuses any other tarball it cannot place, lets it through only with
 * those bytes. State lives on the Configuration, the only object the network
 * hook sees.
 */

import type {Configuration} from '@yarnpkg/core';
import {createHash} from 'crypto';

const KEY = Symbol.for(`yarn-plugin-trust/expected-downloads`);
type Carrier = {[KEY]?: Map<string, string>};

/** Says that `url` will be downloaded and must hash to `integrity` (`sha512-<base64>`). */
export function expectDownload(configuration: Configuration, url: string, integrity: string) {
  const carrier = configuration as Carrier;
  carrier[KEY] ??= new Map();
  carrier[KEY].set(url, integrity);
}

/** The integrity that `url` was announced with, or null. */
export function expectedIntegrityOf(configuration: Configuration, url: string): string | null {
  return (configuration as Carrier)[KEY]?.get(url) ?? null;
}

/** `sha512-<base64>` of `bytes`. */
export function sha512IntegrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash(`sha512`).update(bytes).digest(`base64`)}`;
}
