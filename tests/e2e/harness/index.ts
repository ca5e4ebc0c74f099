/** Entry point of the e2e harness: `import {startRegistry, makeProject, scripted} from './harness'`. */
export * from './registry';
export * from './project';
export * from './fixtures';
export {REPO_ROOT, YARN_BIN, PLUGIN_BUNDLE} from './util';
export type {RunResult} from './util';
export * from './snapshots';
export * from './ports';
export * from './scenarios';
