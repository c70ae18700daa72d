// The CLI's help in any language: every line within 100 columns, no word lost or reordered, a description that fits
// keeps its own line breaks, and one a translation makes too long is filled again (no word alone on a line).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { columns, HELP_WIDTH, paragraph } from '../../src/cli/helpText';

const word = fc.stringMatching(/^[a-zà-ÿ⟦⟧]{1,14}$/);
const text = fc.array(fc.array(word, { minLength: 1, maxLength: 30 }).map((ws) => ws.join(' ')), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n'));
const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

test('a paragraph: within the width, every word kept in order, its own lines kept when they fit', () => {
  fc.assert(fc.property(text, (t) => {
    const out = paragraph(t);
    for (const line of out.split('\n')) assert.ok([...line].length <= HELP_WIDTH, line);
    assert.deepEqual(words(out), words(t));
    if (t.split('\n').every((l) => [...l].length <= HELP_WIDTH)) assert.equal(out, t);
  }));
});

test('an option row: the description starts at its column and every continuation line under it', () => {
  fc.assert(fc.property(text, (t) => {
    const out = columns([['--code FILE[:LINE]', t]], 30).split('\n');
    assert.ok(out[0]!.startsWith('  --code FILE[:LINE]'));
    for (const line of out) assert.ok([...line].length <= HELP_WIDTH, line);
    for (const line of out.slice(1)) assert.match(line, /^ {30}\S/);
    assert.deepEqual(words(out.map((l, i) => (i === 0 ? l.slice(30) : l)).join(' ')), words(t));
  }));
});

test('a translation one word too long is filled again instead of leaving that word alone on a line', () => {
  const mots = Array.from({ length: 24 }, () => 'mot').join(' ');
  assert.equal(paragraph(`${mots} deciding\nsource was not checked.`), `${mots}\ndeciding source was not checked.`);
});
