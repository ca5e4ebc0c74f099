import type {Hooks, Plugin} from '@yarnpkg/core';

const plugin: Plugin<Hooks> = {
  hooks: {},
};

export default plugin;
