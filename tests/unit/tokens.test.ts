/** The token reader that the process and environment checks read code with. */
import assert from 'node:assert/strict';

import {tokenize} from '../../sources/installScripts/policy/fingerprint/tokens';

const values = (code: string) => tokenize(code).tokens.map(token => `${token.kind}:${token.value}`);

describe(`tokens`, () => {
  it(`drops comments and decodes strings and identifiers`, () => {
    assert.deepEqual(values(`#!/usr/bin/env node\nre/* x */quire(/* 'a' */ 'child\\u005fpro\\143ess') // ) '\nvar \\u0065nv = "a\\\nb"`), [
      `name:re`, `name:quire`, `punct:(`, `string:child_process`, `punct:)`, `name:var`, `name:env`, `punct:=`, `string:ab`,
    ]);
  });

  it(`reads a slash as a regular expression or a division from what comes before it`, () => {
    assert.deepEqual(values(`a = b / c / d`), [`name:a`, `punct:=`, `name:b`, `punct:/`, `name:c`, `punct:/`, `name:d`]);
    assert.deepEqual(values(`x = /'/.source`), [`name:x`, `punct:=`, `regex:/'/`, `punct:.`, `name:source`]);
    assert.deepEqual(values(`if (a) /'/.test(b)`).slice(4, 5), [`regex:/'/`]);
    assert.deepEqual(values(`f(a) / '1'`).slice(4), [`punct:/`, `string:1`]);
    assert.deepEqual(values(`{} /'/.x`).slice(2, 3), [`regex:/'/`]);
    assert.deepEqual(values(`x = {} / 2`).slice(4), [`punct:/`, `number:2`]);
    assert.deepEqual(values(`return /[/]'/`), [`name:return`, `regex:/[/]'/`]);
    assert.deepEqual(values(`\`\${/\`/.source}\``), [`template:`, `regex:/\`/`, `punct:.`, `name:source`, `template:`]);
  });

  it(`splits template literals at their substitutions, nested ones too`, () => {
    const {tokens} = tokenize(`\`a\${ \`b\${c}\` }d\``);
    assert.deepEqual(tokens.map(token => [token.kind, token.value, token.part ?? ``]), [
      [`template`, `a`, `head`], [`template`, `b`, `head`], [`name`, `c`, ``], [`template`, ``, `tail`], [`template`, `d`, `tail`],
    ]);
  });

  it(`does not let a number swallow a member`, () => {
    assert.deepEqual(values(`1..constructor`), [`number:1.`, `punct:.`, `name:constructor`]);
    assert.deepEqual(values(`0x1e+5`), [`number:0x1e`, `punct:+`, `number:5`]);
    assert.deepEqual(values(`a?.5:b`), [`name:a`, `punct:?`, `number:.5`, `punct::`, `name:b`]);
  });

  it(`reports what it cannot read as an engine would`, () => {
    assert.match(tokenize(`'abc\nd'`).errors[0], /a string cut by a line break/);
    assert.match(tokenize(`/* open`).errors[0], /an unclosed comment/);
    assert.match(tokenize(`x <!-- y`).errors[0], /an HTML-like comment/);
    assert.match(tokenize(`\`abc`).errors[0], /an unclosed template literal/);
    assert.deepEqual(tokenize(`const a = 'b';`).errors, []);
  });
});
