import assert from 'node:assert/strict';

import semver from 'semver';

import {type CollisionInput, decideCollision, type ProbeResult} from '../../sources/confusion/policy/collisions';
import {checkInternalEdge, type EdgeFinding, isInertEdge} from '../../sources/confusion/policy/edges';
import {auditGlobRoutes, classifyName, type InternalModel, type InternalModelInput, makeInternalModel} from '../../sources/confusion/policy/model';
import {globProblem, matchesGlob, normalizeRegistryUrl} from '../../sources/confusion/policy/names';
import {findProbe, parseProbeCache, serializeProbeCache} from '../../sources/confusion/policy/probeCache';
import {mayRequest, namesInRegistryPath} from '../../sources/confusion/policy/requests';
import {checkInternalResolution} from '../../sources/confusion/policy/resolutions';

const YARN_PUBLIC = `https://registry.yarnpkg.com`;
const NPM_PUBLIC = `https://registry.npmjs.org`;
const JSR = `https://npm.jsr.io`;
const CORP = `https://npm.corp.example`;
const CORP_ORIGIN = `https://npm.corp.example`;

const BASE: InternalModelInput = {
  scopeRegistries: [
    {scope: `corp`, registry: `${CORP}/`},
    {scope: `jsr`, registry: `${JSR}/`},
  ],
  defaultRegistry: YARN_PUBLIC,
  publicRegistries: [YARN_PUBLIC, NPM_PUBLIC, JSR],
  internalGlobs: [`@corp/*`, `corp-*`],
  privateWorkspaces: [`my-app`, `@corp/app`],
};

function build(overrides: Partial<InternalModelInput> = {}): InternalModel {
  const result = makeInternalModel({...BASE, ...overrides});
  if (!result.ok)
    return assert.fail(`expected a valid model, got ${JSON.stringify(result.errors)}`);
  return result.model;
}

function modelErrors(overrides: Partial<InternalModelInput>) {
  const result = makeInternalModel({...BASE, ...overrides});
  if (result.ok)
    return assert.fail(`expected the model to be refused`);
  return result.errors;
}

const MODEL = build();

function edge(name: string, range: string, model: InternalModel = MODEL) {
  return checkInternalEdge({from: `root@workspace:.`, name, range}, model);
}
function kinds(findings: readonly {kind: string}[]) {
  return findings.map(finding => finding.kind);
}
function only(findings: readonly EdgeFinding[]): EdgeFinding {
  assert.equal(findings.length, 1, `expected one finding, got ${JSON.stringify(findings)}`);
  return findings[0];
}

describe(`normalizeRegistryUrl`, () => {
  describe(`when two spellings name the same registry`, () => {
    it(`gives them one spelling: no trailing slash, lowercase host, no default port`, () => {
      for (const spelling of [`https://npm.corp.example`, `https://npm.corp.example/`, `https://NPM.Corp.Example/`, `https://npm.corp.example:443/`, `HTTPS://npm.corp.example//`])
        assert.equal(normalizeRegistryUrl(spelling), CORP, spelling);
    });

    it(`keeps the path and drops only its trailing slashes`, () => {
      assert.equal(normalizeRegistryUrl(`https://art.corp.example/api/npm/internal/`), `https://art.corp.example/api/npm/internal`);
      assert.equal(normalizeRegistryUrl(`https://art.corp.example/api/npm/./internal/../internal`), `https://art.corp.example/api/npm/internal`);
    });

    it(`keeps a non-default port`, () => {
      assert.equal(normalizeRegistryUrl(`http://127.0.0.1:4873/`), `http://127.0.0.1:4873`);
      assert.equal(normalizeRegistryUrl(`http://127.0.0.1:80/`), `http://127.0.0.1`);
    });
  });

  describe(`when the scheme differs`, () => {
    it(`keeps http and https apart`, () => {
      assert.notEqual(normalizeRegistryUrl(`http://npm.corp.example`), normalizeRegistryUrl(`https://npm.corp.example`));
    });
  });

  describe(`when the URL is not a usable registry URL`, () => {
    it(`returns null for userinfo, queries, fragments, other schemes and non-ASCII`, () => {
      for (const url of [`https://registry.npmjs.org@evil.example/`, `https://u:p@npm.corp.example/`, `https://npm.corp.example/?x=1`, `https://npm.corp.example/#x`, `https://npm.corp.example/?`, `ftp://npm.corp.example/`, `npm.corp.example`, `https://npm.cоrp.example/`, ``])
        assert.equal(normalizeRegistryUrl(url), null, url);
    });
  });
});

describe(`globProblem`, () => {
  describe(`when the glob is an npm name with * and ? wildcards`, () => {
    it(`accepts it`, () => {
      for (const glob of [`@corp/*`, `corp-*`, `corp.?tils`, `@corp-*/*`, `corp_utils`, `@corp/ui-*-kit`, `corp-**`])
        assert.equal(globProblem(glob), null, glob);
    });
  });

  describe(`when the glob is not a valid npm name pattern`, () => {
    it(`refuses each with a reason`, () => {
      for (const glob of [``, ` corp-*`, `corp-* `, `@corp`, `corp/x`, `@corp/x/y`, `@/x`, `@corp/`, `.corp*`, `_corp*`, `@corp/.x`, `corp~x`, `corp x`, `corp%2dx`, `corp@*`, `${`a`.repeat(215)}`])
        assert.notEqual(globProblem(glob), null, glob);
    });

    it(`refuses uppercase and suggests the lowercase glob`, () => {
      assert.match(globProblem(`@Corp/*`) ?? ``, /"@corp\/\*"/);
    });

    it(`refuses other glob syntax instead of matching nothing`, () => {
      for (const glob of [`corp-[ab]`, `corp-{a,b}`, `!corp-*`, `corp-+(a)`, `corp-^x`])
        assert.match(globProblem(glob) ?? ``, /only "\*" and "\?" are wildcards/, glob);
    });

    it(`refuses globs that are only wildcards`, () => {
      for (const glob of [`*`, `?*`, `@*/*`, `@?/x`])
        assert.match(globProblem(glob) ?? ``, /only wildcards/, glob);
    });
  });
});

describe(`matchesGlob`, () => {
  describe(`when the glob has literal dots and underscores`, () => {
    it(`matches them literally, not as any character`, () => {
      assert.equal(matchesGlob(`corp.utils`, `corp.utils`), true);
      assert.equal(matchesGlob(`corpxutils`, `corp.utils`), false);
      assert.equal(matchesGlob(`corp-utils`, `corp_utils`), false);
      assert.equal(matchesGlob(`corp_utils`, `corp_*`), true);
    });
  });

  describe(`when the glob has wildcards`, () => {
    it(`lets ? stand for exactly one character`, () => {
      assert.equal(matchesGlob(`corp-a`, `corp-?`), true);
      assert.equal(matchesGlob(`corp-ab`, `corp-?`), false);
      assert.equal(matchesGlob(`corp-`, `corp-?`), false);
    });

    it(`lets * stand for any run, backtracking across several stars`, () => {
      assert.equal(matchesGlob(`corp-x-y-lib`, `corp-*-lib`), true);
      assert.equal(matchesGlob(`corp--lib`, `corp-*-lib`), true);
      assert.equal(matchesGlob(`corp-x-libs`, `corp-*-lib`), false);
      assert.equal(matchesGlob(`corp-lib`, `corp-*-lib`), false);
      assert.equal(matchesGlob(`corp-`, `corp-*`), true);
    });

    it(`never lets a wildcard cross the scope's slash`, () => {
      assert.equal(matchesGlob(`@corp/corp-x`, `corp-*`), false);
      assert.equal(matchesGlob(`corp-x`, `@corp/*`), false);
      assert.equal(matchesGlob(`@corporate/x`, `@corp/*`), false);
      assert.equal(matchesGlob(`@corp-web/x`, `@corp-*/*`), true);
    });
  });

  describe(`when the name is spelled with other case or percent-escapes`, () => {
    it(`still matches`, () => {
      assert.equal(matchesGlob(`Corp-Utils`, `corp-*`), true);
      assert.equal(matchesGlob(`@Corp/X`, `@corp/*`), true);
      assert.equal(matchesGlob(`@corp%2fx`, `@corp/*`), true);
      assert.equal(matchesGlob(`%40corp%2Fx`, `@corp/*`), true);
      assert.equal(matchesGlob(`corp%2dutils`, `corp-*`), true);
      assert.equal(matchesGlob(`corp%252dutils`, `corp-*`), true);
    });
  });

  describe(`when the glob is invalid`, () => {
    it(`throws naming the glob`, () => {
      assert.throws(() => matchesGlob(`corp-x`, `corp-[x]`), /"corp-\[x\]"/);
    });
  });
});

describe(`makeInternalModel`, () => {
  describe(`when the settings are valid`, () => {
    it(`normalizes registries and keeps scopes as Yarn spells them`, () => {
      const model = build({scopeRegistries: [{scope: `corp`, registry: `https://NPM.corp.example:443//`}]});
      assert.deepEqual(model.scopeRoutes, [{scope: `corp`, registry: CORP, public: false}]);
      assert.equal(model.defaultRegistry, YARN_PUBLIC);
    });

    it(`marks a scope routed to a public registry, in any spelling, as public`, () => {
      const model = build({scopeRegistries: [{scope: `pub`, registry: `https://REGISTRY.npmjs.org/`}]});
      assert.equal(model.scopeRoutes[0].public, true);
    });
  });

  describe(`when globs are invalid`, () => {
    it(`reports every invalid glob by name`, () => {
      const errors = modelErrors({internalGlobs: [`@corp/*`, `@Corp/*`, `corp-[x]`]});
      assert.deepEqual(errors.map(error => [error.field, error.value]), [[`internalGlobs`, `@Corp/*`], [`internalGlobs`, `corp-[x]`]]);
    });
  });

  describe(`when registries are invalid`, () => {
    it(`names the setting and the value`, () => {
      const errors = modelErrors({defaultRegistry: `registry.yarnpkg.com`, scopeRegistries: [{scope: `corp`, registry: `https://u:p@npm.corp.example`}]});
      assert.deepEqual(errors.map(error => [error.field, error.value]), [[`defaultRegistry`, `registry.yarnpkg.com`], [`scopeRegistries`, `https://u:p@npm.corp.example`]]);
    });

    it(`refuses a model without a public registry, which would make the public one internal`, () => {
      assert.deepEqual(modelErrors({publicRegistries: []}).map(error => error.field), [`publicRegistries`]);
    });
  });

  describe(`when scopes are written in ways Yarn never routes or cannot tell apart`, () => {
    it(`refuses an npmScopes key with "@" and says how to write it`, () => {
      const [error] = modelErrors({scopeRegistries: [{scope: `@corp`, registry: CORP}]});
      assert.match(error.reason, /write "corp"/);
    });

    it(`refuses a scope listed twice`, () => {
      assert.equal(modelErrors({scopeRegistries: [{scope: `corp`, registry: CORP}, {scope: `corp`, registry: CORP}]}).length, 1);
    });

    it(`refuses two scopes that differ by case and route to different registries`, () => {
      const [error] = modelErrors({scopeRegistries: [{scope: `corp`, registry: CORP}, {scope: `Corp`, registry: `https://other.example`}]});
      assert.match(error.reason, /only by case/);
    });
  });
});

describe(`classifyName`, () => {
  describe(`when the scope is routed to an internal registry`, () => {
    it(`is internal, bound to that registry, with no route finding`, () => {
      const result = classifyName(`@corp/x`, MODEL);
      assert.equal(result.internal, true);
      assert.ok(result.internal);
      assert.equal(result.registry, CORP);
      assert.equal(result.route, CORP);
      assert.equal(result.routeFinding, null);
      assert.deepEqual(result.reasons, [{kind: `scope`, scope: `corp`, registry: CORP}, {kind: `glob`, glob: `@corp/*`}]);
    });
  });

  describe(`when the same name is classified again`, () => {
    it(`answers from the model it was asked with`, () => {
      const withGlob = build({internalGlobs: [`left-*`], defaultRegistry: `${CORP}/`});
      assert.equal(classifyName(`left-pad`, MODEL).internal, false);
      assert.equal(classifyName(`left-pad`, withGlob).internal, true);
      assert.equal(classifyName(`left-pad`, MODEL).internal, false);
      assert.equal(classifyName(`left-pad`, withGlob), classifyName(`left-pad`, withGlob));
    });
  });

  describe(`when the name is public`, () => {
    it(`is not internal and routes to the default registry`, () => {
      assert.deepEqual(classifyName(`lodash`, MODEL), {internal: false, name: `lodash`, route: YARN_PUBLIC});
      assert.equal(classifyName(`@types/node`, MODEL).internal, false);
    });

    it(`does not count a scope routed to a public registry (Yarn's implicit @jsr)`, () => {
      assert.deepEqual(classifyName(`@jsr/std__path`, MODEL), {internal: false, name: `@jsr/std__path`, route: JSR});
    });

    it(`does not confuse a longer scope with an internal one`, () => {
      assert.equal(classifyName(`@corporate/x`, MODEL).internal, false);
      assert.equal(classifyName(`corputils`, MODEL).internal, false);
    });
  });

  describe(`when an unscoped glob matches and the default registry is public`, () => {
    it(`is internal with no registry and a no-route finding naming where Yarn would go`, () => {
      const result = classifyName(`corp-utils`, MODEL);
      assert.ok(result.internal);
      assert.equal(result.registry, null);
      assert.equal(result.routeFinding?.kind, `no-route`);
      assert.equal(result.routeFinding?.found, YARN_PUBLIC);
    });
  });

  describe(`when the default registry is internal`, () => {
    it(`binds globbed names without a scope route to it`, () => {
      const result = classifyName(`corp-utils`, build({defaultRegistry: `https://npm.corp.example/`}));
      assert.ok(result.internal);
      assert.equal(result.registry, CORP);
      assert.equal(result.routeFinding, null);
    });
  });

  describe(`when a scoped glob has no npmScopes route`, () => {
    it(`reports no route`, () => {
      const result = classifyName(`@acme/x`, build({internalGlobs: [`@acme/*`]}));
      assert.ok(result.internal);
      assert.equal(result.routeFinding?.kind, `no-route`);
    });

    it(`reports no route when the scope is routed to a public registry`, () => {
      const result = classifyName(`@jsr/std`, build({internalGlobs: [`@jsr/*`]}));
      assert.ok(result.internal);
      assert.equal(result.registry, null);
      assert.equal(result.routeFinding?.kind, `no-route`);
    });
  });

  describe(`when the name is an internal one spelled with other case`, () => {
    it(`is internal and misrouted, because Yarn matches scopes exactly`, () => {
      const result = classifyName(`@Corp/x`, MODEL);
      assert.ok(result.internal);
      assert.equal(result.registry, CORP);
      assert.equal(result.route, YARN_PUBLIC);
      assert.deepEqual([result.routeFinding?.kind, result.routeFinding?.expected, result.routeFinding?.found], [`misrouted`, CORP, YARN_PUBLIC]);
    });
  });

  describe(`when the name is an internal one with a percent-encoded separator`, () => {
    it(`is internal and misrouted`, () => {
      for (const name of [`@corp%2fx`, `@corp%2Fx`, `%40corp%2fx`]) {
        const result = classifyName(name, MODEL);
        assert.ok(result.internal, name);
        assert.equal(result.routeFinding?.kind, `misrouted`, name);
      }
    });
  });

  describe(`when the name has a malformed percent-escape`, () => {
    it(`is refused as undecodable`, () => {
      const result = classifyName(`corp%zz`, MODEL);
      assert.ok(result.internal);
      assert.equal(result.registry, null);
      assert.equal(result.routeFinding?.kind, `undecodable`);
    });
  });

  describe(`when the name is a private workspace`, () => {
    it(`is internal and, unscoped, has no route: the fix is workspace:`, () => {
      const result = classifyName(`my-app`, MODEL);
      assert.ok(result.internal);
      assert.deepEqual(result.reasons, [{kind: `workspace`, workspace: `my-app`}]);
      assert.match(result.routeFinding?.reason ?? ``, /workspace:/);
    });

    it(`is bound to its scope's registry when scoped`, () => {
      const result = classifyName(`@corp/app`, MODEL);
      assert.ok(result.internal);
      assert.equal(result.registry, CORP);
      assert.ok(result.reasons.some(reason => reason.kind === `workspace`));
    });

    it(`matches it without regard to case`, () => {
      assert.equal(classifyName(`My-App`, MODEL).internal, true);
    });
  });
});

describe(`auditGlobRoutes`, () => {
  describe(`when globs route to public registries`, () => {
    it(`reports the unscoped glob and the scoped glob without route, not the routed one`, () => {
      const findings = auditGlobRoutes(build({internalGlobs: [`@corp/*`, `corp-*`, `@acme/*`, `@corp-*/*`]}));
      assert.deepEqual(findings.map(finding => [finding.glob, finding.found]), [[`corp-*`, YARN_PUBLIC], [`@acme/*`, YARN_PUBLIC]]);
    });
  });

  describe(`when the default registry is internal`, () => {
    it(`reports nothing for unscoped globs`, () => {
      assert.deepEqual(auditGlobRoutes(build({defaultRegistry: CORP, internalGlobs: [`corp-*`]})), []);
    });
  });
});

describe(`checkInternalEdge`, () => {
  describe(`when an internal name has a plain registry range`, () => {
    it(`accepts semver ranges and tags, with or without npm:`, () => {
      for (const range of [`^1.0.0`, `npm:^1.0.0`, `1.x || 2`, `*`, ``, `latest`, `npm:next`, `>=1.0.0 <2`])
        assert.deepEqual(edge(`@corp/x`, range), [], range);
    });

    it(`accepts a remap to the same name`, () => {
      assert.deepEqual(edge(`@corp/x`, `npm:@corp/x@^1.0.0`), []);
    });
  });

  describe(`when an internal name is remapped to another name`, () => {
    it(`refuses it with the expected and the found source`, () => {
      const finding = only(edge(`@corp/x`, `npm:@other/x@1`));
      assert.equal(finding.kind, `remap`);
      assert.equal(finding.name, `@corp/x`);
      assert.equal(finding.found, `npm:@other/x@1`);
      assert.match(finding.expected, /@corp\/x/);
      assert.equal(finding.from, `root@workspace:.`);
    });

    it(`refuses unscoped remaps and case-changed remaps`, () => {
      assert.deepEqual(kinds(edge(`corp-utils`, `npm:left-pad@1`)), [`remap`]);
      assert.deepEqual(kinds(edge(`@corp/x`, `npm:@Corp/x@1`)), [`remap`, `misrouted`]);
    });
  });

  describe(`when an internal name comes from somewhere else than a registry`, () => {
    it(`refuses git, URLs, files, folders and scripts`, () => {
      for (const range of [`git+https://github.com/corp/x.git`, `git@github.com:corp/x.git`, `github:corp/x`, `corp/x`, `https://evil.example/x-1.0.0.tgz`, `http://npm.corp.example/x.tgz`, `file:./x.tgz`, `./x`, `link:../x`, `portal:../x`, `exec:./build.js`, `NPM:^1.0.0`, `^1.0.0::__archiveUrl=https%3A%2F%2Fevil.example%2Fx.tgz`]) {
        const finding = only(edge(`@corp/x`, range));
        assert.equal(finding.kind, `not-registry`, range);
        assert.equal(finding.found, range);
      }
    });

    it(`leaves public names with such sources alone`, () => {
      assert.deepEqual(edge(`left-pad`, `git+https://github.com/x/left-pad.git`), []);
      assert.deepEqual(edge(`left-pad`, `file:./left-pad.tgz`), []);
    });
  });

  describe(`when an internal name is patched`, () => {
    it(`accepts a patch of the same name from the registry`, () => {
      assert.deepEqual(edge(`@corp/x`, `patch:@corp/x@npm%3A1.0.0#./p.patch`), []);
      assert.deepEqual(edge(`@corp/x`, `patch:@corp/x@npm%3A1.0.0#~/.yarn/patches/x.patch::version=1.0.0&hash=abc`), []);
      assert.deepEqual(edge(`@corp/x`, `patch:@corp/x@npm%3A@corp/x@npm%3A1.0.0#./p.patch`), []);
    });

    it(`refuses a patch of another name, of git, or of a remap`, () => {
      for (const [range, source] of [
        [`patch:@other/x@npm%3A1.0.0#./p.patch`, `@other/x@npm:1.0.0`],
        [`patch:@corp/x@git%2Bhttps%3A%2F%2Fgithub.com%2Fcorp%2Fx.git#./p.patch`, `@corp/x@git+https://github.com/corp/x.git`],
        [`patch:@corp/x@npm%3Aevil%401#./p.patch`, `@corp/x@npm:evil@1`],
        [`patch:@corp/x@file%3A./x.tgz#./p.patch`, `@corp/x@file:./x.tgz`],
      ]) {
        const finding = only(edge(`@corp/x`, range));
        assert.equal(finding.kind, `patch-source`, range);
        assert.equal(finding.found, source);
      }
    });

    it(`refuses a patch it cannot parse`, () => {
      assert.deepEqual(kinds(edge(`@corp/x`, `patch:@corp/x@npm%3A1.0.0`)), [`undecidable-range`]);
      assert.deepEqual(kinds(edge(`@corp/x`, `patch:@corp/x@npm%E0%A4%A#./p.patch`)), [`undecidable-range`]);
    });

    it(`checks the inner name of a public name's patch`, () => {
      assert.deepEqual(kinds(edge(`left-pad`, `patch:corp-utils@npm%3A1.0.0#./p.patch`)), [`no-route`]);
    });
  });

  describe(`when the range is workspace:`, () => {
    it(`accepts a private workspace`, () => {
      assert.deepEqual(edge(`my-app`, `workspace:^`), []);
    });

    it(`accepts a published workspace of the project when it is listed`, () => {
      assert.deepEqual(edge(`@corp/lib`, `workspace:*`, build({workspaces: [`@corp/lib`]})), []);
    });

    it(`refuses an internal name that is no workspace of the project`, () => {
      const finding = only(edge(`@corp/lib`, `workspace:^`));
      assert.equal(finding.kind, `not-a-workspace`);
    });
  });

  describe(`when the internal name has no route of its own`, () => {
    it(`refuses a plain range that would go to the public registry`, () => {
      const finding = only(edge(`corp-utils`, `^1.0.0`));
      assert.equal(finding.kind, `no-route`);
      assert.equal(finding.found, YARN_PUBLIC);
    });

    it(`tells a private workspace to use workspace:`, () => {
      const finding = only(edge(`my-app`, `^1.0.0`));
      assert.equal(finding.kind, `no-route`);
      assert.match(finding.reason, /workspace:/);
    });
  });

  describe(`when the internal name is spelled so that Yarn routes it elsewhere`, () => {
    it(`refuses it as misrouted`, () => {
      const finding = only(edge(`@Corp/x`, `^1.0.0`));
      assert.deepEqual([finding.kind, finding.expected, finding.found], [`misrouted`, CORP, YARN_PUBLIC]);
    });
  });

  describe(`when a public name is remapped to an internal one`, () => {
    it(`accepts it when the internal name is routed to its registry`, () => {
      assert.deepEqual(edge(`foo`, `npm:@corp/x@1`), []);
    });

    it(`refuses it when the internal name has no route or is misspelled`, () => {
      const noRoute = only(edge(`foo`, `npm:corp-utils@1`));
      assert.deepEqual([noRoute.kind, noRoute.name], [`no-route`, `corp-utils`]);
      assert.deepEqual(kinds(edge(`foo`, `npm:@Corp/x@1`)), [`misrouted`]);
    });

    it(`refuses an internal target taken from git through the remap`, () => {
      assert.deepEqual(kinds(edge(`foo`, `npm:@corp/x@git+https://github.com/evil/x.git`)), [`not-registry`]);
    });
  });

  describe(`when remaps are chained`, () => {
    it(`follows the chain to an internal name remapped away`, () => {
      const finding = only(edge(`foo`, `npm:@corp/x@npm:evil@1`));
      assert.deepEqual([finding.kind, finding.name, finding.found], [`remap`, `@corp/x`, `npm:evil@1`]);
    });

    it(`follows the chain to an internal target without route`, () => {
      assert.deepEqual(edge(`foo`, `npm:bar@npm:corp-utils@1`).map(finding => [finding.kind, finding.name]), [[`no-route`, `corp-utils`]]);
    });

    it(`refuses a chain too long to follow`, () => {
      let range = `1.0.0`;
      for (let hop = 0; hop < 12; ++hop)
        range = `npm:hop${hop}@${range}`;
      assert.deepEqual(kinds(edge(`foo`, range)), [`undecidable-range`]);
    });
  });

  describe(`when an npm: range cannot be parsed`, () => {
    it(`refuses it whatever the name`, () => {
      assert.deepEqual(kinds(edge(`left-pad`, `npm:@types/node`)), [`undecidable-range`]);
      assert.deepEqual(kinds(edge(`@corp/x`, `npm:1.0.0::__archiveUrl=https%3A%2F%2Fevil.example%2Fx.tgz`)), [`undecidable-range`]);
    });
  });

  describe(`when the range is a plain version or caret/tilde range (read without a semver parse)`, () => {
    it(`accepts exactly what semver accepts`, () => {
      // The shortcut for \`1.2.3\`-shaped ranges must never accept a range that
      // semver (or the tag syntax) would refuse, nor refuse one it accepts.
      const numbers = [`0`, `1`, `01`, `10`, `a`, ``];
      const identifiers = [`0`, `01`, `00a`, `a`, `-`, `1a`, `10`, ``];
      const prereleases = [``, ...identifiers.flatMap(first => [`-${first}`, ...identifiers.map(second => `-${first}.${second}`)])];
      let checked = 0;
      for (const operator of [``, `^`, `~`]) {
        for (const major of numbers) {
          for (const minor of numbers) {
            for (const prerelease of prereleases) {
              const selector = `${operator}${major}.${minor}.3${prerelease}`;
              const plain = semver.validRange(selector) !== null || /^(?!v)[a-z0-9._-]+$/i.test(selector);
              const findings = edge(`@corp/x`, `npm:${selector}`);
              assert.deepEqual(kinds(findings), plain ? [] : [`undecidable-range`], `npm:${selector}`);
              checked++;
            }
          }
        }
      }
      assert.ok(checked > 5000);
    });
  });

  describe(`when an edge is inert (isInertEdge)`, () => {
    it(`is only ever said of edges with nothing to report`, () => {
      const names = [`lodash`, `@types/node`, `@corp/x`, `corp-utils`, `my-app`, `@CORP/x`, `%40corp%2Fx`, `left%zz`];
      const ranges = [
        `^4.17.21`, `npm:^4.17.21`, `npm:1.0.0`, `npm:~1.2.3-rc.1`, `npm:latest`, `npm:>=1 <2`, `npm:@corp/x@^1`, `npm:lodash@4`,
        `npm:@types/node`, `npm:1.0.0::__archiveUrl=https%3A%2F%2Fevil.example%2Fx.tgz`, `patch:lodash@npm%3A4.17.21#./p.patch`,
        `git+https://github.com/a/b.git`, `https://example.com/x.tgz`, `file:./x.tgz`, `workspace:*`, `link:../x`, `portal:../x`, `exec:./x.js`,
      ];
      let inert = 0;
      for (const name of names) {
        for (const range of ranges) {
          if (!isInertEdge(name, range, MODEL))
            continue;
          inert++;
          assert.deepEqual(edge(name, range), [], `${name}@${range}`);
          // Internal names are inert only as `workspace:` edges to the project's own workspaces.
          if (classifyName(name, MODEL).internal)
            assert.ok(range.startsWith(`workspace:`) && MODEL.workspaces.includes(name), `${name}@${range}`);
        }
      }
      assert.ok(inert > 20);
    });

    it(`is not said of internal names, remaps, patches or ranges it would have to parse`, () => {
      assert.equal(isInertEdge(`@corp/x`, `npm:^1.0.0`, MODEL), false);
      assert.equal(isInertEdge(`lodash`, `npm:@corp/x@^1`, MODEL), false);
      assert.equal(isInertEdge(`lodash`, `patch:lodash@npm%3A4.17.21#./p.patch`, MODEL), false);
      assert.equal(isInertEdge(`lodash`, `npm:>=1 <2`, MODEL), false);
      assert.equal(isInertEdge(`lodash`, `npm:^4.17.21`, MODEL), true);
      assert.equal(isInertEdge(`lodash`, `git+https://github.com/a/b.git`, MODEL), true);
    });

    it(`is said of a workspace: edge to a workspace of the project, private or not, and of no other`, () => {
      const model = build({workspaces: [`published-lib`]});
      assert.equal(isInertEdge(`my-app`, `workspace:^`, model), true);
      assert.equal(isInertEdge(`@corp/app`, `workspace:*`, model), true);
      assert.equal(isInertEdge(`published-lib`, `workspace:^`, model), true);
      // Not a workspace of this project: an internal name is reported, a public one is not.
      assert.equal(isInertEdge(`@corp/other`, `workspace:^`, model), false);
      assert.equal(edge(`@corp/other`, `workspace:^`).length, 1);
      // The name, not another spelling of it: the finding logic compares names exactly.
      assert.equal(isInertEdge(`@CORP/app`, `workspace:*`, model), false);
    });
  });

  describe(`when the name is public and the range plain`, () => {
    it(`has nothing to say`, () => {
      assert.deepEqual(edge(`lodash`, `^4.17.21`), []);
      assert.deepEqual(edge(`lodash`, `npm:lodash-es@4`), []);
    });
  });
});

describe(`checkInternalResolution`, () => {
  const resolution = (overrides: Partial<Parameters<typeof checkInternalResolution>[0]> = {}) =>
    checkInternalResolution({name: `@corp/x`, version: `1.2.3`, tarballUrl: `${CORP}/@corp/x/-/x-1.2.3.tgz`, registry: CORP, ...overrides}, MODEL);

  describe(`when an internal package comes from its registry`, () => {
    it(`accepts it`, () => {
      assert.deepEqual(resolution(), []);
      assert.deepEqual(resolution({tarballUrl: null}), []);
    });

    it(`accepts other spellings of the same registry and host`, () => {
      assert.deepEqual(resolution({registry: `https://NPM.corp.example:443/`, tarballUrl: `https://NPM.CORP.example:443/@corp/x/-/x-1.2.3.tgz`}), []);
    });

    it(`accepts a tarball outside the registry's path on the same host`, () => {
      assert.deepEqual(resolution({tarballUrl: `${CORP}/download/@corp/x/1.2.3/abc`}), []);
    });
  });

  describe(`when the tarball is on another host`, () => {
    it(`refuses the public host with expected and found origins`, () => {
      const [finding] = resolution({tarballUrl: `${YARN_PUBLIC}/@corp/x/-/x-1.2.3.tgz`});
      assert.deepEqual([finding.kind, finding.expected, finding.found], [`wrong-host`, CORP_ORIGIN, YARN_PUBLIC]);
    });

    it(`refuses the same host over http, on another port, or behind userinfo`, () => {
      for (const tarballUrl of [`http://npm.corp.example/@corp/x/-/x-1.2.3.tgz`, `https://npm.corp.example:8443/x.tgz`, `https://npm.corp.example@evil.example/x.tgz`, `https://user:pw@npm.corp.example/x.tgz`])
        assert.deepEqual(kinds(resolution({tarballUrl})), [`wrong-host`], tarballUrl);
    });

    it(`refuses a tarball URL that is not http(s)`, () => {
      assert.deepEqual(kinds(resolution({tarballUrl: `file:///tmp/x.tgz`})), [`invalid-url`]);
    });
  });

  describe(`when it would be fetched from another registry`, () => {
    it(`refuses the public registry and another repository on the same host`, () => {
      assert.deepEqual(kinds(resolution({registry: NPM_PUBLIC, tarballUrl: null})), [`wrong-registry`]);
      assert.deepEqual(kinds(resolution({registry: `${CORP}/public-proxy`})), [`wrong-registry`]);
    });
  });

  describe(`when the internal name has no route`, () => {
    it(`refuses it as no-route`, () => {
      assert.deepEqual(kinds(checkInternalResolution({name: `corp-utils`, version: `1.99.0`, tarballUrl: `${YARN_PUBLIC}/corp-utils/-/corp-utils-1.99.0.tgz`, registry: YARN_PUBLIC}, MODEL)), [`no-route`]);
    });
  });

  describe(`when the internal name is misspelled`, () => {
    it(`refuses it as misrouted and fetched from the wrong registry`, () => {
      assert.deepEqual(kinds(checkInternalResolution({name: `@Corp/x`, version: `1.0.0`, tarballUrl: null, registry: YARN_PUBLIC}, MODEL)), [`misrouted`, `wrong-registry`]);
    });
  });

  describe(`when the package is public`, () => {
    it(`has nothing to say`, () => {
      assert.deepEqual(checkInternalResolution({name: `lodash`, version: `4.17.21`, tarballUrl: `https://evil.example/x.tgz`, registry: YARN_PUBLIC}, MODEL), []);
    });
  });
});

describe(`namesInRegistryPath`, () => {
  describe(`when the path has a registry shape`, () => {
    it(`finds the package name`, () => {
      const cases: Array<[string, string]> = [
        [`/corp-utils`, `corp-utils`],
        [`/corp-utils/`, `corp-utils`],
        [`/@corp%2fx`, `@corp/x`],
        [`/@corp%2Fx`, `@corp/x`],
        [`/@corp/x`, `@corp/x`],
        [`/corp-utils/1.0.0`, `corp-utils`],
        [`/@corp/x/1.0.0-beta.1`, `@corp/x`],
        [`/corp-utils/-/corp-utils-1.0.0.tgz`, `corp-utils`],
        [`/@corp/x/-/x-1.0.0.tgz`, `@corp/x`],
        [`/@corp%2fx/-/x-1.0.0.tgz`, `@corp/x`],
        [`/api/v4/projects/7/packages/npm/@corp/x/-/@corp/x-1.0.0.tgz`, `@corp/x`],
        [`/api/npm/public/corp-utils`, `corp-utils`],
        [`/-/package/corp-utils/dist-tags`, `corp-utils`],
        [`/-/package/@corp/x/dist-tags`, `@corp/x`],
        [`/files/corp-utils-1.2.3.tgz`, `corp-utils`],
      ];
      for (const [path, name] of cases)
        assert.ok(namesInRegistryPath(path).includes(name), `${path}: ${JSON.stringify(namesInRegistryPath(path))}`);
    });

    it(`does not also report the bare name of a scoped package`, () => {
      assert.deepEqual(namesInRegistryPath(`/@types/utils`), [`@types/utils`]);
      assert.deepEqual(namesInRegistryPath(`/@types/utils/-/utils-1.0.0.tgz`), [`@types/utils`]);
    });
  });
});

describe(`mayRequest`, () => {
  const request = (url: string, name: string | null = null, probe?: {credentials: boolean}) =>
    mayRequest(probe === undefined ? {url, name} : {url, name, probe}, MODEL);

  describe(`when a request about an internal name goes to its registry`, () => {
    it(`allows it, in any spelling of the host`, () => {
      assert.deepEqual(request(`${CORP}/@corp%2fx`, `@corp/x`), {ok: true});
      assert.deepEqual(request(`https://NPM.CORP.EXAMPLE:443/@corp%2fx/-/x-1.0.0.tgz`), {ok: true});
      assert.deepEqual(request(`https://token:x@npm.corp.example/@corp%2fx`), {ok: true});
    });
  });

  describe(`when a request about a known internal name goes to another host`, () => {
    it(`refuses it, naming the name and the host`, () => {
      const decision = request(`${YARN_PUBLIC}/@corp%2fx`, `@corp/x`);
      assert.equal(decision.ok, false);
      assert.ok(!decision.ok);
      assert.deepEqual(decision.findings.map(finding => [finding.kind, finding.name, finding.host, finding.expected]), [[`leak`, `@corp/x`, `registry.yarnpkg.com`, CORP_ORIGIN]]);
      assert.match(decision.findings[0].reason, /@corp\/x.*registry\.yarnpkg\.com/);
    });

    it(`refuses the registry's host over http or on another port`, () => {
      assert.equal(request(`http://npm.corp.example/@corp%2fx`, `@corp/x`).ok, false);
      assert.equal(request(`https://npm.corp.example:8443/@corp%2fx`, `@corp/x`).ok, false);
    });

    it(`refuses a userinfo trick that only looks like the registry`, () => {
      const decision = request(`https://npm.corp.example@evil.example/@corp%2fx`);
      assert.ok(!decision.ok);
      assert.equal(decision.findings[0].host, `evil.example`);
    });

    it(`refuses any host for an internal name without a route`, () => {
      const decision = request(`${YARN_PUBLIC}/corp-utils`, `corp-utils`);
      assert.ok(!decision.ok);
      assert.equal(decision.findings[0].expected, null);
    });
  });

  describe(`when the name is unknown but the path spells an internal one`, () => {
    it(`refuses packuments, version documents and tarballs sent to the public registry`, () => {
      for (const path of [`/corp-utils`, `/@corp%2fx`, `/@corp%2Fx`, `/@corp/x`, `/corp-utils/1.0.0`, `/corp-utils/-/corp-utils-1.0.0.tgz`, `/@corp/x/-/x-1.0.0.tgz`, `/@Corp%2fx`, `/corp%2Dutils`])
        assert.equal(request(`${YARN_PUBLIC}${path}`).ok, false, path);
    });

    it(`refuses it even when the caller names another package`, () => {
      const decision = request(`${YARN_PUBLIC}/corp-utils/-/corp-utils-1.0.0.tgz`, `lodash`);
      assert.ok(!decision.ok);
      assert.deepEqual(decision.findings.map(finding => finding.name), [`corp-utils`]);
    });
  });

  describe(`when the request is about public packages`, () => {
    it(`allows it`, () => {
      for (const url of [`${YARN_PUBLIC}/lodash`, `${YARN_PUBLIC}/@types%2fnode`, `${YARN_PUBLIC}/lodash/-/lodash-4.17.21.tgz`, `${YARN_PUBLIC}/lodash/4.17.21`, `${JSR}/@jsr%2fstd__path`])
        assert.deepEqual(request(url), {ok: true}, url);
    });

    it(`does not mistake the bare name of a public scoped package for a private workspace`, () => {
      assert.deepEqual(mayRequest({url: `${YARN_PUBLIC}/@types/my-app`, name: null}, MODEL), {ok: true});
    });
  });

  describe(`when the URL cannot be read`, () => {
    it(`refuses it`, () => {
      const decision = request(`not a url`);
      assert.ok(!decision.ok);
      assert.equal(decision.findings[0].kind, `invalid-url`);
    });
  });

  describe(`when it is the plugin's own collision probe`, () => {
    it(`allows an anonymous probe of the public registry`, () => {
      assert.deepEqual(request(`${NPM_PUBLIC}/corp-utils`, `corp-utils`, {credentials: false}), {ok: true});
    });

    it(`refuses a probe carrying credentials`, () => {
      const decision = request(`${NPM_PUBLIC}/@corp%2fx`, `@corp/x`, {credentials: true});
      assert.ok(!decision.ok);
      assert.equal(decision.findings[0].kind, `probe-with-credentials`);
      assert.equal(request(`https://user:pw@registry.npmjs.org/corp-utils`, `corp-utils`, {credentials: false}).ok, false);
    });

    it(`refuses a probe sent to a host that is not a public registry`, () => {
      assert.deepEqual(kinds((request(`https://evil.example/corp-utils`, `corp-utils`, {credentials: false}) as {findings: {kind: string}[]}).findings), [`leak`]);
    });
  });
});

describe(`decideCollision`, () => {
  const NOW = new Date(`2026-03-01T12:00:00.000Z`);
  const DAY = 24 * 60 * 60 * 1000;
  const probe = (overrides: Partial<ProbeResult> = {}): ProbeResult =>
    ({name: `corp-utils`, registry: YARN_PUBLIC, exists: false, checkedAt: `2026-03-01T00:00:00.000Z`, ...overrides});
  const decide = (overrides: Partial<CollisionInput> = {}) =>
    decideCollision({name: `corp-utils`, publicRegistry: YARN_PUBLIC, probe: probe(), acknowledged: null, probesEnabled: true, now: NOW, maxAgeMs: DAY, ...overrides});
  const ACK = {acknowledgedAt: `2026-01-01T00:00:00.000Z`, reason: `we own corp-utils on npm`};

  describe(`when a fresh probe says the name is not public`, () => {
    it(`is ok`, () => {
      assert.deepEqual(decide(), {kind: `ok`, name: `corp-utils`, probe: probe(), unusedAcknowledgement: false});
    });

    it(`notes an acknowledgement that is not needed`, () => {
      const decision = decide({acknowledged: ACK});
      assert.equal(decision.kind, `ok`);
      assert.equal(decision.kind === `ok` && decision.unusedAcknowledgement, true);
    });

    it(`accepts another spelling of the public registry`, () => {
      assert.equal(decide({probe: probe({registry: `https://REGISTRY.yarnpkg.com/`})}).kind, `ok`);
    });
  });

  describe(`when the name exists on the public registry`, () => {
    it(`is a collision unless acknowledged`, () => {
      const decision = decide({probe: probe({exists: true})});
      assert.equal(decision.kind, `collision`);
      assert.match(decision.kind === `collision` ? decision.reason : ``, /corp-utils/);
    });

    it(`is acknowledged, carrying the acknowledgement, when the trust file says so`, () => {
      assert.deepEqual(decide({probe: probe({exists: true}), acknowledged: ACK}), {kind: `acknowledged`, name: `corp-utils`, probe: probe({exists: true}), acknowledged: ACK});
    });

    it(`stays acknowledged when the answer is old`, () => {
      assert.equal(decide({probe: probe({exists: true, checkedAt: `2025-01-01T00:00:00.000Z`}), acknowledged: ACK}).kind, `acknowledged`);
    });

    it(`asks for a new probe when the answer is old and not acknowledged`, () => {
      const decision = decide({probe: probe({exists: true, checkedAt: `2025-01-01T00:00:00.000Z`})});
      assert.deepEqual([decision.kind, decision.kind === `probe-needed` && decision.why], [`probe-needed`, `stale`]);
    });
  });

  describe(`when no usable answer is cached`, () => {
    it(`asks the caller to probe, saying why`, () => {
      const cases: Array<[Partial<CollisionInput>, string]> = [
        [{probe: null}, `missing`],
        [{probe: probe({checkedAt: `2026-02-28T12:00:00.000Z`})}, `stale`],
        [{probe: probe({checkedAt: `2026-03-02T00:00:00.000Z`})}, `future`],
        [{probe: probe({name: `Corp-Utils`})}, `other-name`],
        [{probe: probe({registry: NPM_PUBLIC})}, `other-registry`],
        [{probe: probe({checkedAt: `2026-03-01`})}, `invalid-date`],
        [{maxAgeMs: 0}, `stale`],
      ];
      for (const [overrides, why] of cases) {
        const decision = decide(overrides);
        assert.equal(decision.kind, `probe-needed`, why);
        assert.equal(decision.kind === `probe-needed` && decision.why, why);
        assert.match(decision.kind === `probe-needed` ? decision.reason : ``, /without credentials/);
      }
    });

    it(`keeps an answer one millisecond younger than the lifetime`, () => {
      assert.equal(decide({probe: probe({checkedAt: new Date(NOW.getTime() - DAY + 1).toISOString()})}).kind, `ok`);
      assert.equal(decide({probe: probe({checkedAt: new Date(NOW.getTime() - DAY).toISOString()})}).kind, `probe-needed`);
    });
  });

  describe(`when probes are switched off`, () => {
    it(`reports the name as not checked`, () => {
      assert.equal(decide({probesEnabled: false, probe: null}).kind, `not-checked`);
      assert.equal(decide({probesEnabled: false}).kind, `not-checked`);
    });

    it(`still refuses a collision already seen, however old`, () => {
      assert.equal(decide({probesEnabled: false, probe: probe({exists: true, checkedAt: `2020-01-01T00:00:00.000Z`})}).kind, `collision`);
      assert.equal(decide({probesEnabled: false, probe: probe({exists: true}), acknowledged: ACK}).kind, `acknowledged`);
    });
  });

  describe(`when the inputs are invalid`, () => {
    it(`throws rather than decide`, () => {
      assert.throws(() => decide({now: new Date(`nonsense`)}), RangeError);
      assert.throws(() => decide({maxAgeMs: -1}), RangeError);
      assert.throws(() => decide({maxAgeMs: Number.NaN}), RangeError);
      assert.throws(() => decide({publicRegistry: `registry.yarnpkg.com`}), RangeError);
    });
  });
});

describe(`serializeProbeCache`, () => {
  const entries: ProbeResult[] = [
    {name: `corp-utils`, registry: `https://REGISTRY.yarnpkg.com/`, exists: true, checkedAt: `2026-03-01T00:00:00.000Z`},
    {name: `@corp/x`, registry: YARN_PUBLIC, exists: false, checkedAt: `2026-03-01T00:00:01.000Z`},
  ];

  describe(`when given valid entries`, () => {
    it(`writes a versioned, sorted, normalized document with a trailing newline`, () => {
      assert.equal(serializeProbeCache(entries), [
        `{`,
        `  "version": 1,`,
        `  "probes": [`,
        `    {`,
        `      "name": "@corp/x",`,
        `      "registry": "https://registry.yarnpkg.com",`,
        `      "exists": false,`,
        `      "checkedAt": "2026-03-01T00:00:01.000Z"`,
        `    },`,
        `    {`,
        `      "name": "corp-utils",`,
        `      "registry": "https://registry.yarnpkg.com",`,
        `      "exists": true,`,
        `      "checkedAt": "2026-03-01T00:00:00.000Z"`,
        `    }`,
        `  ]`,
        `}`,
        ``,
      ].join(`\n`));
    });

    it(`reads back what it wrote`, () => {
      const parsed = parseProbeCache(serializeProbeCache(entries));
      assert.equal(parsed.problem, null);
      assert.deepEqual(parsed.entries.map(entry => [entry.name, entry.registry, entry.exists]), [[`@corp/x`, YARN_PUBLIC, false], [`corp-utils`, YARN_PUBLIC, true]]);
    });
  });

  describe(`when given an entry it could not read back`, () => {
    it(`throws`, () => {
      assert.throws(() => serializeProbeCache([entries[0], {...entries[0], registry: YARN_PUBLIC}]), /listed twice/);
      assert.throws(() => serializeProbeCache([{...entries[0], checkedAt: `yesterday`}]), /checkedAt/);
      assert.throws(() => serializeProbeCache([{...entries[0], registry: `ftp://x`}]), /registry URL/);
    });
  });
});

describe(`parseProbeCache`, () => {
  const valid = (probes: unknown[]) => JSON.stringify({version: 1, probes});
  const entry = {name: `corp-utils`, registry: YARN_PUBLIC, exists: false, checkedAt: `2026-03-01T00:00:00.000Z`};

  describe(`when the cache is valid`, () => {
    it(`returns its entries and no problem`, () => {
      assert.deepEqual(parseProbeCache(valid([entry])), {entries: [entry], problem: null});
    });
  });

  describe(`when the cache cannot be trusted`, () => {
    it(`discards all of it and says why, so that every name is probed again`, () => {
      const cases: Array<[string, RegExp]> = [
        [``, /unexpected end/],
        [`{"version": 1, "probes": [`, /unexpected end/],
        [`[]`, /JSON object/],
        [JSON.stringify({version: 2, probes: []}), /version 2/],
        [JSON.stringify({probes: []}), /version null/],
        [JSON.stringify({version: 1, probes: [], extra: 1}), /unknown key "extra"/],
        [`{"version": 1, "version": 1, "probes": []}`, /duplicate key/],
        [valid([{...entry, note: `x`}]), /unknown key "note"/],
        [valid([{...entry, exists: `false`}]), /"exists" \(boolean\)/],
        [valid([{...entry, checkedAt: `2026-03-01`}]), /checkedAt/],
        [valid([{...entry, registry: `registry.yarnpkg.com`}]), /registry URL/],
        [valid([entry, {...entry, registry: `${YARN_PUBLIC}/`, exists: true}]), /listed twice/],
        [valid([entry, 3]), /probes\[1\]/],
      ];
      for (const [text, problem] of cases) {
        const parsed = parseProbeCache(text);
        assert.deepEqual(parsed.entries, [], text);
        assert.match(parsed.problem ?? ``, problem, text);
      }
    });
  });
});

describe(`findProbe`, () => {
  const entries: ProbeResult[] = [{name: `corp-utils`, registry: YARN_PUBLIC, exists: true, checkedAt: `2026-03-01T00:00:00.000Z`}];

  describe(`when the registry is spelled differently`, () => {
    it(`still finds the answer`, () => {
      assert.equal(findProbe(entries, `corp-utils`, `https://registry.yarnpkg.com/`), entries[0]);
    });
  });

  describe(`when the name or registry differ`, () => {
    it(`finds nothing`, () => {
      assert.equal(findProbe(entries, `Corp-Utils`, YARN_PUBLIC), null);
      assert.equal(findProbe(entries, `corp-utils`, NPM_PUBLIC), null);
      assert.equal(findProbe(entries, `corp-utils`, `not a url`), null);
    });
  });
});
