import { describe, expect, it } from 'vitest';
import { apiFieldErrors, apiFormError, contentFieldsOf, contentModelOf, startBlockersOf } from './outreach.js';

/** A failed `$fetch` as the dashboard sees it: the API's error body under `data`. */
const failure = (code: string, message: string, details?: unknown) => ({ data: { error: { code, message, details } } });

const invalid = failure('validation_failed', 'Invalid request', [
  { path: ['sendingWindow', 'endHour'], message: 'Must be after startHour', code: 'custom' },
  { path: ['timezone'], message: 'Unknown IANA time zone (e.g. Europe/Paris)', code: 'custom' },
  { path: ['timezone'], message: 'second issue on the same field', code: 'custom' },
]);

describe('apiFieldErrors', () => {
  it('maps validation issues to their dotted path, first issue of a path first', () => {
    expect(apiFieldErrors(invalid)).toEqual({
      'sendingWindow.endHour': 'Must be after startHour',
      timezone: 'Unknown IANA time zone (e.g. Europe/Paris)',
    });
  });

  it('has nothing for other errors or no error', () => {
    expect(apiFieldErrors(failure('campaign_archived', 'An archived campaign cannot change'))).toEqual({});
    expect(apiFieldErrors(undefined)).toEqual({});
  });
});

describe('apiFormError', () => {
  it('stays quiet when every issue is shown under a field', () => {
    expect(apiFormError(invalid, ['timezone', 'sendingWindow.endHour'])).toBeUndefined();
  });

  it('names an issue the form has no field for', () => {
    expect(apiFormError(invalid, ['timezone'])).toBe('sendingWindow.endHour: Must be after startHour');
    const root = failure('validation_failed', 'Invalid request', [{ path: [], message: 'Give at least one field' }]);
    expect(apiFormError(root, ['name'])).toBe('Give at least one field');
  });

  it("shows the API's message for other errors, nothing without an error", () => {
    expect(apiFormError(failure('step_in_use', 'Disable it instead'), [])).toBe('Disable it instead');
    expect(apiFormError(undefined, [])).toBeUndefined();
  });
});

describe('startBlockersOf', () => {
  it('lists the blockers of a refused start', () => {
    const blockers = [
      { code: 'mailbox_missing', message: 'Choose a mailbox' },
      { code: 'step_without_content', message: 'Step needs content', stepId: 'x', stepIndex: 1 },
    ];
    expect(startBlockersOf(failure('campaign_not_startable', 'The campaign cannot run yet', blockers))).toEqual(
      blockers,
    );
    expect(
      startBlockersOf(failure('invalid_transition', 'A running campaign cannot start', { status: 'running' })),
    ).toEqual([]);
  });
});

describe('step content', () => {
  it('edits a body template as templates, a prompt alone as a prompt', () => {
    expect(contentModelOf({ promptId: 'p1', subjectTemplate: 'Hi', bodyTemplate: 'Body' }).source).toBe('templates');
    expect(contentModelOf({ promptId: 'p1', subjectTemplate: null, bodyTemplate: '  ' }).source).toBe('prompt');
    expect(contentModelOf({ promptId: null, subjectTemplate: null, bodyTemplate: null })).toEqual({
      source: 'templates',
      promptId: '',
      subjectTemplate: '',
      bodyTemplate: '',
    });
  });

  it('saves only the chosen source and clears the other', () => {
    const model = { promptId: 'p1', subjectTemplate: 'Hi {{person.firstName}}', bodyTemplate: 'Body' };
    expect(contentFieldsOf({ source: 'templates', ...model })).toEqual({
      promptId: null,
      subjectTemplate: 'Hi {{person.firstName}}',
      bodyTemplate: 'Body',
    });
    expect(contentFieldsOf({ source: 'prompt', ...model })).toEqual({
      promptId: 'p1',
      subjectTemplate: '',
      bodyTemplate: '',
    });
  });
});
