import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demographicsMatch } from './demographic-match.ts';

const pds = { family: 'FLYNN', given: ['Tommy'], birthDate: '1950-04-10' };

test('foundations.md §2.2: an exactly equal date of birth verifies whatever the names', () => {
  assert.equal(demographicsMatch({ family: 'Other', given: ['Z'], birthDate: '1950-04-10' }, pds), true);
});

test('foundations.md §2.2: two of three date parts verify only with the family prefix and the initial', () => {
  assert.equal(demographicsMatch({ family: 'Flynne', given: ['thomas'], birthDate: '1950-04-11' }, pds), true);
  assert.equal(demographicsMatch({ family: 'Flynne', given: ['thomas'], birthDate: '1950-05-10' }, pds), true);
  assert.equal(demographicsMatch({ family: 'Fry', given: ['Tommy'], birthDate: '1950-04-11' }, pds), false);
  assert.equal(demographicsMatch({ family: 'Flynn', given: ['Arthur'], birthDate: '1950-04-11' }, pds), false);
  assert.equal(demographicsMatch({ family: 'Flynn', given: [], birthDate: '1950-04-11' }, { ...pds, given: [] }), false);
});

test('foundations.md §2.2: one matching date part never verifies', () => {
  assert.equal(demographicsMatch({ family: 'FLYNN', given: ['Tommy'], birthDate: '1950-01-01' }, pds), false);
});
