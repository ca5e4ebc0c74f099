/** Long work shown the way Yarn shows it: a progress bar in a report section, or nothing. */

import {Report} from '@yarnpkg/core';

/**
 * Long work (downloads, hashing) shown the way Yarn shows its fetch step: a
 * section named after what is being done, with a counter that StreamReport
 * draws as a progress bar when `enableProgressBars` is on (Yarn turns it off
 * in CI and when stdout is not a terminal) and the section's duration when it
 * ends.
 */
export type LongWork = <T>(title: string, total: number, work: (tick: () => void) => Promise<T>) => Promise<T>;

/** Sections and progress in `report`; JSON and quiet reports are handled by Yarn's report itself. */
export function reportedWork(report: Report): LongWork {
  return async (title, total, work) => {
    return await report.startTimerPromise(title, async () => {
      return await report.startProgressPromise(Report.progressViaCounter(total), async progress => {
        return await work(() => progress.tick());
      });
    });
  };
}

/** Where no report is reachable: the same work, silently. */
export const silentWork: LongWork = async (_title, _total, work) => await work(() => {});
