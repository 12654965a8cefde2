import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GpConnectError } from '@gpconnect/fhir';
import { negotiateResponseFormat, requestBodyFormat, requestedFormatOrJson, responseContentType } from './content-negotiation.ts';

const is415 = (error: unknown) => error instanceof GpConnectError && error.definition.httpStatus === 415;

test('precedence: _format, then Accept, then Content-Type, else JSON (general.md §4)', () => {
  assert.equal(negotiateResponseFormat('xml', 'application/fhir+json', 'application/fhir+json'), 'xml');
  assert.equal(negotiateResponseFormat('application/fhir json', 'application/fhir+xml', undefined), 'json', "a '+' decoded as a space is read back");
  assert.equal(negotiateResponseFormat(undefined, 'application/fhir+xml', 'application/fhir+json'), 'xml');
  assert.equal(negotiateResponseFormat(undefined, undefined, 'application/fhir+xml'), 'xml');
  assert.equal(negotiateResponseFormat(undefined, ' ', undefined), 'json');
  assert.equal(negotiateResponseFormat(undefined, undefined, undefined), 'json');
});

test('every media type and short form the spec names, FHIR 1.x and 0.x', () => {
  for (const xml of ['application/fhir+xml', 'application/xml+fhir', 'application/xml', 'text/xml', 'xml']) assert.equal(negotiateResponseFormat(xml, undefined, undefined), 'xml', xml);
  for (const json of ['application/fhir+json', 'application/json+fhir', 'application/json', 'json']) assert.equal(negotiateResponseFormat(json, undefined, undefined), 'json', json);
});

test('Accept: highest q-value wins, first among equals; wildcards mean JSON; q=0 excludes', () => {
  assert.equal(negotiateResponseFormat(undefined, 'application/fhir+xml, application/fhir+json', undefined), 'xml');
  assert.equal(negotiateResponseFormat(undefined, 'application/fhir+xml;q=0.4, application/fhir+json;q=0.9', undefined), 'json');
  assert.equal(negotiateResponseFormat(undefined, 'text/html, */*;q=0.1', undefined), 'json');
  assert.throws(() => negotiateResponseFormat(undefined, 'application/fhir+json;q=0', undefined), is415);
});

test('formats we cannot write or read are 415; errors before negotiation fall back to JSON', () => {
  assert.throws(() => negotiateResponseFormat('text/plain', undefined, undefined), is415);
  assert.throws(() => negotiateResponseFormat(undefined, 'text/html', undefined), is415);
  assert.throws(() => requestBodyFormat('text/plain'), is415);
  assert.throws(() => requestBodyFormat(undefined), is415);
  assert.equal(requestBodyFormat('application/fhir+xml;charset=utf-8'), 'xml');
  assert.equal(requestBodyFormat('application/json'), 'json');
  assert.equal(requestedFormatOrJson(undefined, 'text/html', undefined), 'json');
  assert.equal(requestedFormatOrJson('xml', 'text/html', undefined), 'xml');
});

test('response Content-Type by service root and format', () => {
  assert.equal(responseContentType('foundations', 'xml'), 'application/fhir+xml;charset=utf-8');
  assert.equal(responseContentType('html', 'xml'), 'application/xml+fhir;charset=utf-8');
  assert.equal(responseContentType('html', 'json'), 'application/json+fhir;charset=utf-8');
  assert.equal(responseContentType(undefined), 'application/fhir+json;charset=utf-8');
});
