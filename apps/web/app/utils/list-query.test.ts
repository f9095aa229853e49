import { describe, expect, it } from 'vitest';
import { movedCursorStack, queryText, toggledSort } from './list-query.js';

describe('queryText', () => {
  it('reads the first non-blank value', () => {
    expect(queryText({ q: ' dupont ' }, 'q')).toBe('dupont');
    expect(queryText({ city: ['Lyon', 'Lille'] }, 'city')).toBe('Lyon');
    expect(queryText({ q: '  ' }, 'q')).toBeUndefined();
    expect(queryText({ q: null }, 'q')).toBeUndefined();
    expect(queryText({}, 'q')).toBeUndefined();
  });
});

describe('toggledSort', () => {
  it('flips the direction of the current field, starts another field in its default direction', () => {
    expect(toggledSort('lastName', 'lastName')).toBe('-lastName');
    expect(toggledSort('-lastName', 'lastName')).toBe('lastName');
    expect(toggledSort('-createdAt', 'email')).toBe('email');
    expect(toggledSort('email', 'createdAt', true)).toBe('-createdAt');
  });
});

describe('movedCursorStack', () => {
  it('pushes the page left behind and pops it when going back', () => {
    let stack = movedCursorStack([], '', 'A');
    expect(stack).toEqual(['']);
    stack = movedCursorStack(stack, 'A', 'B');
    expect(stack).toEqual(['', 'A']);
    stack = movedCursorStack(stack, 'B', 'A');
    expect(stack).toEqual(['']);
    stack = movedCursorStack(stack, 'A', '');
    expect(stack).toEqual([]);
  });

  it('keeps the stack when the cursor did not move', () => {
    expect(movedCursorStack(['', 'A'], 'B', 'B')).toEqual(['', 'A']);
  });
});
