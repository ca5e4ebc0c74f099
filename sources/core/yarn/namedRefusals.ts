/**
 * Refusals of a download (checksums, release trust) say which release they
 * concern but do not start with the package: Yarn's fetch step prefixes every
 * error with it. Callers that fetch outside that step name it here instead.
 */

import {type Configuration, type Locator, ReportError, structUtils} from '@yarnpkg/core';

export async function namingPackage<T>(configuration: Configuration, pkg: Locator, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    const pretty = structUtils.prettyLocator(configuration, pkg);
    throw error.message.startsWith(pretty) ? error : new ReportError(error.reportCode, `${pretty}: ${error.message}`);
  }
}
