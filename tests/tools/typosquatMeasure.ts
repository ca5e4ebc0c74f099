/**
 * Measures the typosquat check (sources/releaseTrust/policy/typosquat*.ts) and
 * writes tests/tools/typosquat-results.md:
 * - false positives on every npm name in the bench lockfiles;
 * - alerts on 5,000 names with 500–999 downloads a month (a seeded sample of
 *   the npm list);
 * - recall on known typosquats (tests/tools/data/knownTyposquats.json);
 * - cost per name over the 5,000.
 * Name-only verdicts need nothing else; final decisions need the registry's
 * facts about each suspect and its targets, fetched once into
 * tests/tools/data/typosquat-registry.json (never by the unit tests).
 *
 * From the repository root, after `npx tsc`:
 *
 *     node build/tests/tools/typosquatMeasure.js fetch <registry URL> <npm.tsv> <bench dir>
 *     node build/tests/tools/typosquatMeasure.js report <npm.tsv> <bench dir>
 *
 * where <bench dir> holds one folder per project with its yarn.lock.
 */

import fs from 'node:fs';
import path from 'node:path';

import {POPULAR_NAMES} from '../../sources/releaseTrust/data/popularNames';
import {makePopularIndex, nameVerdict, type NameVerdict, parsePopularNames, type PopularIndex} from '../../sources/releaseTrust/policy/typosquat';
import {factsFromPackument} from '../../sources/releaseTrust/policy/registryFacts';
import {decideTyposquat, type RegistryFacts} from '../../sources/releaseTrust/policy/typosquatDecision';
import {ALL_TYPO_KINDS, MIN_SUBSTITUTED_LENGTH, splitName, type TypoKind} from '../../sources/releaseTrust/policy/typoVariants';
import {readNpmList} from './popularNames';
import {seededRandom} from './random';

const ROOT = path.resolve(__dirname, `../../..`);
const KNOWN = path.join(ROOT, `tests/tools/data/knownTyposquats.json`);
const FACTS = path.join(ROOT, `tests/tools/data/typosquat-registry.json`);
const RESULTS = path.join(ROOT, `tests/tools/typosquat-results.md`);

export const SAMPLE_SIZE = 5_000;
export const SAMPLE_SEED = 13;

type FactsFile = {fetchedAt: string, registry: string, packages: Record<string, RegistryFacts | null>};
type Known = {name: string, target: string, source: string};

const random = seededRandom;

/** 5,000 names with 500–999 downloads a month, drawn with a fixed seed from the names sorted. */
export function sampleNames(downloads: Map<string, number>): Array<string> {
  const pool = [...downloads].filter(([, count]) => count >= 500 && count <= 999).map(([name]) => name).sort();
  const next = random(SAMPLE_SEED);
  for (let i = pool.length - 1; i > 0; --i) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, SAMPLE_SIZE);
}

/** npm names resolved in a Yarn lockfile (`resolution: "name@npm:version"`). */
export function lockfileNames(text: string): Array<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^ {2}resolution: "((?:@[^/"]+\/)?[^@"]+)@npm:/gm))
    names.add(match[1]);
  return [...names].sort();
}

function benchNames(benchDir: string): Map<string, Array<string>> {
  const projects = new Map<string, Array<string>>();
  for (const project of fs.readdirSync(benchDir).sort()) {
    const lockfile = path.join(benchDir, project, `yarn.lock`);
    if (fs.existsSync(lockfile))
      projects.set(project, lockfileNames(fs.readFileSync(lockfile, `utf8`)));
  }
  return projects;
}

function loadIndex(): PopularIndex {
  return makePopularIndex(parsePopularNames(POPULAR_NAMES));
}

function suspectsOf(index: PopularIndex, names: Iterable<string>): Map<string, NameVerdict & {kind: `suspect`}> {
  const suspects = new Map<string, NameVerdict & {kind: `suspect`}>();
  for (const name of names) {
    const verdict = nameVerdict(index, name);
    if (verdict.kind === `suspect`)
      suspects.set(name, verdict);
  }
  return suspects;
}

async function fetchFacts(registry: string, npmTsv: string, benchDir: string) {
  const index = loadIndex();
  const downloads = readNpmList(fs.readFileSync(npmTsv, `utf8`));
  const names = new Set<string>();
  for (const list of benchNames(benchDir).values())
    for (const name of list)
      names.add(name);
  for (const name of sampleNames(downloads))
    names.add(name);
  const wanted = new Set<string>([`loadsh`, `lodash`]);
  for (const [name, verdict] of suspectsOf(index, names)) {
    wanted.add(name);
    for (const target of verdict.targets)
      wanted.add(target.name);
  }
  const packages: Record<string, RegistryFacts | null> = {};
  const queue = [...wanted].sort();
  const base = registry.replace(/\/+$/, ``);
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const response = await fetch(`${base}/${name.replace(`/`, `%2f`)}`, {headers: {accept: `application/json`}});
      packages[name] = response.ok ? factsFromPackument(await response.json()) : null;
      if (!response.ok && response.status !== 404)
        throw new Error(`${name}: ${response.status}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const sorted = Object.fromEntries(Object.keys(packages).sort().map(name => [name, packages[name]]));
  const file: FactsFile = {fetchedAt: new Date().toISOString(), registry: `the public npm registry, through this workplace's mirror (no maintainers, no time.created; version times are the mirror's)`, packages: sorted};
  fs.writeFileSync(FACTS, `${JSON.stringify(file, null, 1)}\n`);
  process.stdout.write(`${FACTS}: ${Object.keys(sorted).length} packages\n`);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? `–` : `${(100 * part / whole).toFixed(2)} %`;
}

function report(npmTsv: string, benchDir: string) {
  const index = loadIndex();
  const downloads = readNpmList(fs.readFileSync(npmTsv, `utf8`));
  const facts = JSON.parse(fs.readFileSync(FACTS, `utf8`)) as FactsFile;
  const now = facts.fetchedAt;
  const decide = (name: string, verdict: NameVerdict) => {
    const targets: Record<string, RegistryFacts | null> = {};
    if (verdict.kind === `suspect`)
      for (const target of verdict.targets)
        targets[target.name] = facts.packages[target.name] ?? null;
    const candidate = facts.packages[name] ?? null;
    return decideTyposquat({name, verdict, candidate: candidate && {...candidate, monthlyDownloads: downloads.get(name) ?? null}, targets, now});
  };
  const lines: Array<string> = [];
  const out = (line = ``) => lines.push(line);
  const describe = (name: string, verdict: NameVerdict & {kind: `suspect`}) => `\`${name}\` → ${verdict.targets.map(t => `\`${t.name}\` (${t.kind})`).join(`, `)}`;

  out(`# Typosquat check: measurements`);
  out();
  out(`Written by \`node build/tests/tools/typosquatMeasure.js report ${path.basename(npmTsv)} <bench dir>\`. Popular names: the top ${index.downloads.size} of the npm list. Registry facts fetched once on ${now.slice(0, 10)} (\`tests/tools/data/typosquat-registry.json\`); decisions are made as of that time.`);
  out();
  out(`The registry reachable here is a mirror: its packuments carry no maintainers and no \`time.created\`, and the time of each version is when the mirror copied it, never earlier than the real publication. So the \"published by a maintainer of the target\" rule never fires here, and every age is a lower bound of the real one: with the real registry's data the decision can only refuse fewer of these names, not more. Version lists may also be shorter than the real ones.`);
  out();

  // Bench lockfiles.
  out(`## False positives on the bench lockfiles (goal: 0 at the final decision)`);
  out();
  out(`| project | npm names | popular | suspects (name only) | refused (final) |`);
  out(`| --- | ---: | ---: | ---: | ---: |`);
  const benchDetails: Array<string> = [];
  for (const [project, names] of benchNames(benchDir)) {
    const suspects = suspectsOf(index, names);
    let refused = 0;
    for (const [name, verdict] of suspects) {
      const decision = decide(name, verdict);
      if (decision.kind === `refuse`)
        refused += 1;
      benchDetails.push(`- ${project}: ${describe(name, verdict)}: **${decision.kind}** — ${decision.kind === `refuse` ? decision.reasons.join(`; `) : decision.reasons.join(`; `)}`);
    }
    out(`| ${project} | ${names.length} | ${names.filter(name => index.downloads.has(name)).length} | ${suspects.size} | ${refused} |`);
  }
  out();
  out(`How the registry data settles each name-only suspect:`);
  out();
  for (const line of benchDetails)
    out(line);
  out();

  // Sample.
  const sample = sampleNames(downloads);
  out(`## Alerts on ${sample.length} names with 500–999 downloads a month (goal: ≤ 0.2 % at the final decision)`);
  out();
  out(`A sample drawn with seed ${SAMPLE_SEED} from the ${[...downloads.values()].filter(count => count >= 500 && count <= 999).length} such names of the npm list.`);
  out();
  const sampleSuspects = suspectsOf(index, sample);
  const refusedSample: Array<string> = [];
  const clearedSample: Array<string> = [];
  for (const [name, verdict] of sampleSuspects) {
    const decision = decide(name, verdict);
    (decision.kind === `refuse` ? refusedSample : clearedSample).push(`- ${describe(name, verdict)}: ${decision.kind === `refuse` ? decision.reasons.join(`; `) : decision.reasons.join(`; `)}`);
  }
  out(`| stage | alerts | rate |`);
  out(`| --- | ---: | ---: |`);
  out(`| name only | ${sampleSuspects.size} | ${percent(sampleSuspects.size, sample.length)} |`);
  out(`| final decision | ${refusedSample.length} | ${percent(refusedSample.length, sample.length)} |`);
  out();
  out(`Name-only alerts by the kind of slip (first target), and what each kind alone would cost:`);
  out();
  out(`| kind | suspects (first target) | suspects with only this kind |`);
  out(`| --- | ---: | ---: |`);
  for (const kind of ALL_TYPO_KINDS) {
    const first = [...sampleSuspects.values()].filter(verdict => verdict.targets[0].kind === kind).length;
    const only = suspectsOf(index, sample);
    let alone = 0;
    for (const name of only.keys())
      if (nameVerdict(index, name, {kinds: new Set<TypoKind>([kind])}).kind === `suspect`)
        alone += 1;
    out(`| ${kind} | ${first} | ${alone} |`);
  }
  out();
  const anySubstitution = (names: Array<string>) => names.filter(name => {
    const {scope, bare} = splitName(name);
    if (scope !== null || bare.length < MIN_SUBSTITUTED_LENGTH || index.downloads.has(name) || name !== name.toLowerCase())
      return false;
    for (let i = 0; i < bare.length; ++i)
      for (const c of `abcdefghijklmnopqrstuvwxyz0123456789-._`)
        if (c !== bare[i] && index.downloads.has(bare.slice(0, i) + c + bare.slice(i + 1)))
          return true;
    return false;
  }).length;
  const population = [...downloads].filter(([, count]) => count >= 500 && count <= 999).map(([name]) => name);
  const restricted = (names: Array<string>) => names.filter(name => nameVerdict(index, name, {kinds: new Set<TypoKind>([`substituted`])}).kind === `suspect`).length;
  out(`Substituted characters, restricted to keyboard neighbours and look-alikes (as shipped) or any character, name-only suspects:`);
  out();
  out(`| names | restricted | any character |`);
  out(`| --- | ---: | ---: |`);
  out(`| the ${sample.length} sample names | ${restricted(sample)} | ${anySubstitution(sample)} |`);
  out(`| all ${population.length} names with 500–999 downloads | ${restricted(population)} | ${anySubstitution(population)} |`);
  out();
  out(`Refused at the final decision:`);
  out();
  for (const line of refusedSample)
    out(line);
  out();
  out(`Cleared by the registry data:`);
  out();
  for (const line of clearedSample)
    out(line);
  out();

  // Recall.
  const known = (JSON.parse(fs.readFileSync(KNOWN, `utf8`)) as {entries: Array<Known>}).entries;
  const inScope = known.filter(entry => index.downloads.has(entry.target));
  const outOfScope = known.filter(entry => !index.downloads.has(entry.target));
  let flagged = 0;
  let flaggedAsTarget = 0;
  const recallLines: Array<string> = [];
  for (const entry of inScope) {
    const verdict = nameVerdict(index, entry.name);
    const hit = verdict.kind === `suspect`;
    const exact = hit && verdict.targets.some(target => target.name === entry.target);
    flagged += hit ? 1 : 0;
    flaggedAsTarget += exact ? 1 : 0;
    recallLines.push(`| \`${entry.name}\` | \`${entry.target}\` | ${hit ? verdict.targets.map(t => `\`${t.name}\` (${t.kind})`).join(`, `) : `missed`} |`);
  }
  out(`## Recall on known typosquats (goal: ≥ 60 %)`);
  out();
  out(`${known.length} typosquats from public reports (\`tests/tools/data/knownTyposquats.json\`, with sources); ${inScope.length} imitate a name in the top ${index.downloads.size}. Most were removed from the registry, so recall is measured on the name-only verdict: the final decision refuses every suspect it has no registry data for, and so keeps all of these.`);
  out();
  out(`| | count | recall |`);
  out(`| --- | ---: | ---: |`);
  out(`| flagged | ${flagged} / ${inScope.length} | ${percent(flagged, inScope.length)} |`);
  out(`| flagged with the reported target | ${flaggedAsTarget} / ${inScope.length} | ${percent(flaggedAsTarget, inScope.length)} |`);
  out();
  out(`| name | reported target | verdict |`);
  out(`| --- | --- | --- |`);
  for (const line of recallLines)
    out(line);
  out();
  out(`Left out (target not in the top ${index.downloads.size}): ${outOfScope.map(entry => `\`${entry.name}\``).join(`, `)}.`);
  out();

  // Cost.
  const rounds = 20;
  for (const name of sample)
    nameVerdict(index, name);
  const start = process.hrtime.bigint();
  for (let round = 0; round < rounds; ++round)
    for (const name of sample)
      nameVerdict(index, name);
  const perName = Number(process.hrtime.bigint() - start) / 1e6 / (rounds * sample.length);
  const buildStart = process.hrtime.bigint();
  loadIndex();
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  out(`## Cost (goal: < 0.5 ms a name)`);
  out();
  out(`Name-only verdict, ${rounds} passes over the ${sample.length} sample names after one warm-up pass, on this 2-core machine: **${(perName * 1000).toFixed(1)} µs a name**. Reading the data and building the index once: ${buildMs.toFixed(0)} ms. The final decision is a few string comparisons on data Yarn already has.`);
  out();
  fs.writeFileSync(RESULTS, lines.join(`\n`));
  process.stdout.write(`${RESULTS}\n`);
}

async function main(argv: Array<string>) {
  const [command, ...rest] = argv;
  if (command === `fetch` && rest.length === 3)
    await fetchFacts(rest[0], rest[1], rest[2]);
  else if (command === `report` && rest.length === 2)
    report(rest[0], rest[1]);
  else
    throw new Error(`usage: typosquatMeasure.js fetch <registry URL> <npm.tsv> <bench dir> | report <npm.tsv> <bench dir>`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
