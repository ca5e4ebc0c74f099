/** The official SARIF 2.1.0 schema (tests/unit/fixtures/sarif), compiled once, for unit and e2e tests. */
import {readFileSync} from 'node:fs';
import * as path from 'node:path';

import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const SCHEMA_PATH = path.resolve(__dirname, `../../../tests/unit/fixtures/sarif/sarif-schema-2.1.0.json`);

let validate: ((log: unknown) => boolean) & {errors?: unknown} | null = null;

/** The schema's complaints about a log, empty when it is valid. */
export function sarifSchemaErrors(log: unknown): Array<string> {
  if (validate === null) {
    // The schema is draft-04 (errata 01 of the OASIS standard): Ajv's draft-04 build reads it as written.
    const ajv = new Ajv({allErrors: true, strict: false});
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, `utf8`)));
  }
  if (validate(log))
    return [];
  return (validate.errors as Array<{instancePath: string, message?: string}>).map(error => `${error.instancePath || `/`}: ${error.message}`);
}
