import assert from 'node:assert/strict';

import {runReview, type ReviewItem} from '../../sources/commands/trust/reviewSession';

function item(name: string, offers: ReviewItem[`offers`] = {approve: {label: `approve`, reasonRequired: false}, deny: {label: `deny`, reasonRequired: false}}): ReviewItem {
  return {name, lines: [`${name} runs install scripts that the trust file does not approve`, `  postinstall: node install.js`], offers};
}

/** Answers in order; null once they run out, as a closed terminal does. */
function scripted(answers: Array<string>) {
  const printed: Array<string> = [];
  const asked: Array<string> = [];
  return {
    printed,
    asked,
    io: {
      print: (lines: Array<string>) => void printed.push(...lines),
      ask: async (question: string) => {
        asked.push(question);
        return answers.length > 0 ? answers.shift()! : null;
      },
    },
  };
}

describe(`the review session`, () => {
  it(`records each decision as soon as it is made, with its reason`, async () => {
    const {io, printed} = scripted([`a`, `reviewed install.js`, `d`, ``, `s`]);
    const recorded: Array<string> = [];
    const outcome = await runReview([item(`esbuild`), item(`core-js`), item(`sharp`)], io, async (reviewed, decision, reason) => {
      recorded.push(`${decision} ${reviewed.name} ${reason}`);
    });
    assert.deepEqual(recorded, [`approve esbuild reviewed install.js`, `deny core-js null`]);
    assert.deepEqual(outcome, {decided: [{name: `esbuild`, decision: `approve`, reason: `reviewed install.js`}, {name: `core-js`, decision: `deny`, reason: null}], skipped: [`sharp`], stopped: false});
    assert.ok(printed.includes(`(1/3) esbuild runs install scripts that the trust file does not approve`));
    assert.ok(printed.includes(`  postinstall: node install.js`));
  });

  it(`asks again after an answer it does not know, and offers only what the item allows`, async () => {
    const {io, printed, asked} = scripted([`x`, `d`, `a`, `ok`]);
    const recorded: Array<string> = [];
    await runReview([item(`libdetect`, {approve: {label: `approve what it runs`, reasonRequired: false}})], io, async (reviewed, decision) => {
      recorded.push(`${decision} ${reviewed.name}`);
    });
    assert.deepEqual(recorded, [`approve libdetect`]);
    assert.equal(asked[0], `[a] approve what it runs, [s] skip, [q] quit? `);
    assert.equal(printed.filter(line => line === `Type one of: a, s, q`).length, 2);
  });

  it(`insists on a reason where one is required`, async () => {
    const {io, printed} = scripted([`a`, ``, `  `, `it is the package we meant`]);
    const recorded: Array<string | null> = [];
    await runReview([item(`lodahs`, {approve: {label: `allow the name`, reasonRequired: true}})], io, async (_reviewed, _decision, reason) => {
      recorded.push(reason);
    });
    assert.deepEqual(recorded, [`it is the package we meant`]);
    assert.equal(printed.filter(line => line === `A reason is required for this decision.`).length, 2);
  });

  it(`stops at q or at the end of the input, keeping what was decided`, async () => {
    for (const answers of [[`a`, `fine`, `q`], [`a`, `fine`], [`a`, `fine`, `d`]]) {
      const {io} = scripted(answers);
      const recorded: Array<string> = [];
      const outcome = await runReview([item(`one`), item(`two`), item(`three`)], io, async reviewed => void recorded.push(reviewed.name));
      assert.deepEqual(recorded, [`one`], answers.join(` `));
      assert.equal(outcome.stopped, true);
      assert.deepEqual(outcome.skipped, [`two`, `three`]);
    }
  });

  it(`ends the session when recording fails, asking nothing more`, async () => {
    const {io, asked} = scripted([`a`, ``, `a`, ``]);
    await assert.rejects(runReview([item(`one`), item(`two`)], io, async () => {
      throw new Error(`yarn trust approve one failed`);
    }), /approve one failed/);
    assert.equal(asked.length, 2);
  });
});
