import { describe, expect, it } from 'vitest';
import { sensitiveFolder } from './sensitive-folders.js';

const home = '/home/ada';

describe('sensitiveFolder', () => {
  it.each([
    ['/', 'the root of the disk'],
    ['/home/ada', 'your home folder'],
    ['/home/ada/', 'your home folder'],
    ['/home', 'a folder that holds the whole system'],
    ['/etc', 'a system folder'],
    ['/usr/local/lib', 'a system folder'],
    ['/bin', 'a system folder'],
    ['/usr/../etc', 'a system folder'],
  ])('asks before opening %s (%s)', (path, why) => {
    expect(sensitiveFolder(path, { home, foldCase: false })).toBe(why);
  });

  it('matches macOS and Windows folders whatever their case', () => {
    expect(sensitiveFolder('/system/library', { home, foldCase: true })).toBe('a system folder');
    expect(sensitiveFolder('/USERS', { home, foldCase: true })).toBe('a folder that holds the whole system');
  });

  it.each([['/home/ada/code/project'], ['/tmp/x'], ['/var/www/site'], ['/opt/work/repo'], ['/etcetera']])(
    'opens %s without asking',
    (path) => {
      expect(sensitiveFolder(path, { home, foldCase: false })).toBeNull();
    },
  );
});
