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
