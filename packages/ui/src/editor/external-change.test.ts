import { describe, expect, it } from 'vitest';
import { externalChangeAction } from './external-change';

describe('externalChangeAction', () => {
  it('reloads an unmodified file that changed or reappeared on disk', () => {
    expect(externalChangeAction('changed', false)).toBe('reload');
    expect(externalChangeAction('created', false)).toBe('reload');
  });

  it('warns instead of overwriting the user’s unsaved edits', () => {
    expect(externalChangeAction('changed', true)).toBe('warnChanged');
    expect(externalChangeAction('created', true)).toBe('warnChanged');
  });

  it('warns when an open file is deleted, modified or not', () => {
    expect(externalChangeAction('deleted', false)).toBe('warnDeleted');
    expect(externalChangeAction('deleted', true)).toBe('warnDeleted');
  });
});
