/** Parses an http(s) URL strictly: printable ASCII only, any other scheme is not a web URL. */

/** Printable ASCII only: the WHATWG parser silently drops tabs and newlines and maps look-alike Unicode. */
const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

export function parseWebUrl(text: string): URL | null {
  if (!PRINTABLE_ASCII.test(text))
    return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    if (error instanceof TypeError)
      return null;
    throw error;
  }
  return url.protocol === `https:` || url.protocol === `http:` ? url : null;
}

/**
 * One spelling per registry: lowercase scheme and host, no default port, dot
 * segments resolved, no trailing slash — so `https://NPM.corp:443/repo/` and
 * `https://npm.corp/repo` are the same registry. `http:` and `https:` stay
 * different registries: the same host over plain http is another path for an
 * attacker. Returns null for what is not a usable registry URL: not http(s),
 * userinfo (`https://registry.npmjs.org@evil.com/` reads as npm to a person),
 * a query or a fragment (Yarn appends paths to the registry as text).
 */
export function normalizeRegistryUrl(url: string): string | null {
  const parsed = parseWebUrl(url);
  if (parsed === null || parsed.username !== `` || parsed.password !== `` || parsed.search !== `` || parsed.hash !== `` || url.includes(`?`) || url.includes(`#`))
    return null;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, ``)}`;
}
