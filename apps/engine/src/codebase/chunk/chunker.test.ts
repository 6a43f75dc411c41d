// The chunker on small, realistic files of each language: kinds, names and line ranges, whole and split (a chunk
// limit of 8 lines makes the classes too long for one chunk), and the invariants every chunking keeps.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Chunker, createChunker } from './chunker.js';
import { chunkProblems, code, outline } from './testing.js';

const SMALL = { maxLines: 8, maxChars: 2_000 };
let chunker: Chunker;
let small: Chunker;

beforeAll(async () => {
  chunker = await createChunker();
  small = await createChunker({ maxChunkLines: SMALL.maxLines });
});

afterAll(() => {
  chunker.dispose();
  small.dispose();
});

describe('languages', () => {
  test('TypeScript: a large class is split into a header and its methods; interfaces, types, enums, exported arrow functions', async () => {
    const text = code`
import { EventEmitter } from 'node:events';
import type { User } from './user.js';

const DEFAULT_LIMIT = 100;

/** Keeps users in memory. */
export class UserStore extends EventEmitter {
  private readonly users = new Map<string, User>();

  /** Adds a user. */
  add(user: User): void {
    this.users.set(user.id, user);
    this.emit('added', user);
  }

  remove(id: string): boolean {
    return this.users.delete(id);
  }

  list = (limit = DEFAULT_LIMIT): User[] => [...this.users.values()].slice(0, limit);
}

export interface StoreOptions {
  limit?: number;
}

export type UserId = string;

export enum Role {
  Admin,
  Member,
}

export const createStore = (options: StoreOptions = {}) => new UserStore();

export function isAdmin(user: User): boolean {
  return user.role === Role.Admin;
}

createStore().add({ id: '1' } as User);
`;
    const path = 'src/store.ts';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 4],
      ['class', 'UserStore', 6, 21],
      ['interface', 'StoreOptions', 23, 25],
      ['type', 'UserId', 27, 27],
      ['enum', 'Role', 29, 32],
      ['function', 'createStore', 34, 34],
      ['function', 'isAdmin', 36, 38],
      ['block', null, 40, 40],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 4],
      ['class', 'UserStore', 6, 8],
      ['method', 'UserStore.add', 10, 14],
      ['method', 'UserStore.remove', 16, 18],
      ['method', 'UserStore.list', 20, 21],
      ['interface', 'StoreOptions', 23, 25],
      ['type', 'UserId', 27, 27],
      ['enum', 'Role', 29, 32],
      ['function', 'createStore', 34, 34],
      ['function', 'isAdmin', 36, 38],
      ['block', null, 40, 40],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('TSX: components as functions, wrapped arrow functions and classes', async () => {
    const text = code`
import { useState } from 'react';

interface Props {
  title: string;
}

export function Counter({ title }: Props) {
  const [count, setCount] = useState(0);
  return (
    <button type="button" onClick={() => setCount(count + 1)}>
      {title}: {count}
    </button>
  );
}

export const Badge = memo(({ label }: { label: string }) => <span className="badge">{label}</span>);

export default class Panel extends React.Component<Props> {
  render() {
    return <section>{this.props.title}</section>;
  }
}
`;
    const path = 'src/app.tsx';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 1],
      ['interface', 'Props', 3, 5],
      ['function', 'Counter', 7, 14],
      ['function', 'Badge', 16, 16],
      ['class', 'Panel', 18, 22],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 1],
      ['interface', 'Props', 3, 5],
      ['function', 'Counter', 7, 14],
      ['function', 'Badge', 16, 16],
      ['class', 'Panel', 18, 22],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('JavaScript: prototype and module.exports assignments, classes, JSX', async () => {
    const text = code`
'use strict';
const http = require('node:http');

// Answers every request with the same body.
function handler(req, res) {
  res.end('ok');
}

Router.prototype.route = function route(path) {
  return this.routes[path];
};

module.exports.start = (port) => http.createServer(handler).listen(port);

class Cache {
  #items = new Map();
  get(key) {
    return this.#items.get(key);
  }
}

const App = () => <div className="app" />;

module.exports.Cache = Cache;
`;
    const path = 'lib/server.js';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 2],
      ['function', 'handler', 4, 7],
      ['method', 'Router.route', 9, 11],
      ['function', 'start', 13, 13],
      ['class', 'Cache', 15, 20],
      ['function', 'App', 22, 22],
      ['block', null, 24, 24],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 2],
      ['function', 'handler', 4, 7],
      ['method', 'Router.route', 9, 11],
      ['function', 'start', 13, 13],
      ['class', 'Cache', 15, 20],
      ['function', 'App', 22, 22],
      ['block', null, 24, 24],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('Python: decorators and comments go with their definition; methods are qualified', async () => {
    const text = code`
"""User storage."""
import json
from dataclasses import dataclass

DEFAULT_LIMIT = 100


# A user record.
@dataclass
class User:
    id: str
    name: str


class UserStore:
    """Keeps users in memory."""

    def __init__(self):
        self.users = {}

    @property
    def size(self):
        return len(self.users)

    async def remove(self, user_id):
        return self.users.pop(user_id, None)


def load(path):
    with open(path) as f:
        return json.load(f)


if __name__ == "__main__":
    print(load("users.json"))
`;
    const path = 'store.py';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 5],
      ['class', 'User', 8, 12],
      ['class', 'UserStore', 15, 26],
      ['function', 'load', 29, 31],
      ['block', null, 34, 35],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 5],
      ['class', 'User', 8, 12],
      ['class', 'UserStore', 15, 16],
      ['method', 'UserStore.__init__', 18, 19],
      ['method', 'UserStore.size', 21, 23],
      ['method', 'UserStore.remove', 25, 26],
      ['function', 'load', 29, 31],
      ['block', null, 34, 35],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('Go: methods are named by their receiver, doc comments included', async () => {
    const text = code`
package store

import (
	"errors"
	"sync"
)

// ErrMissing is returned for unknown ids.
var ErrMissing = errors.New("missing")

// Store keeps users.
type Store struct {
	mu    sync.Mutex
	users map[string]string
}

type Reader interface {
	Get(id string) (string, error)
}

// Remove deletes a user.
func (s *Store) Remove(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[id]; !ok {
		return ErrMissing
	}
	delete(s.users, id)
	return nil
}

func (s Store) Len() int { return len(s.users) }

func New() *Store {
	return &Store{users: map[string]string{}}
}
`;
    const path = 'store/store.go';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 9],
      ['type', 'Store', 11, 15],
      ['interface', 'Reader', 17, 19],
      ['method', 'Store.Remove', 21, 30],
      ['method', 'Store.Len', 32, 32],
      ['function', 'New', 34, 36],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 6],
      ['block', null, 8, 9],
      ['type', 'Store', 11, 15],
      ['interface', 'Reader', 17, 19],
      ['method', 'Store.Remove', 21, 28],
      ['method', 'Store.Remove', 29, 30],
      ['method', 'Store.Len', 32, 32],
      ['function', 'New', 34, 36],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('Rust: impl blocks name their methods, attributes and doc comments lead', async () => {
    const text = code`
use std::collections::HashMap;
use std::fmt;

/// Keeps users.
#[derive(Debug, Default)]
pub struct Store {
    users: HashMap<String, String>,
}

pub enum Role {
    Admin,
    Member,
}

pub trait Named {
    fn name(&self) -> &str;
}

impl Store {
    /// Removes a user.
    pub fn remove(&mut self, id: &str) -> Option<String> {
        self.users.remove(id)
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} users", self.users.len())
    }
}

pub fn new_store() -> Store {
    Store::default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn empty() {
        assert_eq!(super::new_store().len(), 0);
    }
}
`;
    const path = 'src/store.rs';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 2],
      ['type', 'Store', 4, 8],
      ['enum', 'Role', 10, 13],
      ['interface', 'Named', 15, 17],
      ['class', 'Store', 19, 28],
      ['class', 'Store', 30, 34],
      ['function', 'new_store', 36, 38],
      ['module', 'tests', 40, 46],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 2],
      ['type', 'Store', 4, 8],
      ['enum', 'Role', 10, 13],
      ['interface', 'Named', 15, 17],
      ['class', 'Store', 19, 19],
      ['method', 'Store.remove', 20, 23],
      ['method', 'Store.len', 25, 28],
      ['class', 'Store', 30, 34],
      ['function', 'new_store', 36, 38],
      ['module', 'tests', 40, 46],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('Java: classes, constructors, annotated methods, interfaces, enums', async () => {
    const text = code`
package com.example.store;

import java.util.HashMap;
import java.util.Map;

/** Keeps users in memory. */
public class UserStore {
    private final Map<String, String> users = new HashMap<>();

    public UserStore() {
    }

    /** Removes a user. */
    @Deprecated
    public boolean remove(String id) {
        return users.remove(id) != null;
    }

    public int size() {
        return users.size();
    }
}

interface Reader {
    String get(String id);
}

enum Role { ADMIN, MEMBER }
`;
    const path = 'src/main/java/UserStore.java';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 4],
      ['class', 'UserStore', 6, 22],
      ['interface', 'Reader', 24, 26],
      ['enum', 'Role', 28, 28],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 4],
      ['class', 'UserStore', 6, 8],
      ['method', 'UserStore.UserStore', 10, 11],
      ['method', 'UserStore.remove', 13, 17],
      ['method', 'UserStore.size', 19, 22],
      ['interface', 'Reader', 24, 26],
      ['enum', 'Role', 28, 28],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('C#: namespaces, classes, constructors, interfaces', async () => {
    const text = code`
using System;
using System.Collections.Generic;

namespace Example.Store
{
    /// <summary>Keeps users in memory.</summary>
    public class UserStore
    {
        private readonly Dictionary<string, string> users = new();

        public int Count => users.Count;

        public UserStore()
        {
        }

        public bool Remove(string id)
        {
            return users.Remove(id);
        }
    }

    public interface IReader
    {
        string Get(string id);
    }

    public enum Role { Admin, Member }
}
`;
    const path = 'Store/UserStore.cs';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 2],
      ['module', 'Example.Store', 4, 29],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 2],
      ['module', 'Example.Store', 4, 5],
      ['class', 'UserStore', 6, 11],
      ['method', 'UserStore.UserStore', 13, 15],
      ['method', 'UserStore.Remove', 17, 21],
      ['interface', 'IReader', 23, 26],
      ['enum', 'Role', 28, 29],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('C++: namespaces, classes, out-of-class members', async () => {
    const text = code`
#include <map>
#include <string>

namespace store {

// Keeps users in memory.
class UserStore {
public:
    bool remove(const std::string& id) {
        return users_.erase(id) > 0;
    }
    std::size_t size() const;

private:
    std::map<std::string, std::string> users_;
};

std::size_t UserStore::size() const {
    return users_.size();
}

}  // namespace store

int main() {
    store::UserStore s;
    return static_cast<int>(s.size());
}
`;
    const path = 'src/store.cpp';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 2],
      ['module', 'store', 4, 22],
      ['function', 'main', 24, 27],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 2],
      ['module', 'store', 4, 4],
      ['class', 'UserStore', 6, 8],
      ['method', 'UserStore.remove', 9, 11],
      ['class', 'UserStore', 12, 16],
      ['method', 'UserStore.size', 18, 22],
      ['function', 'main', 24, 27],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('Ruby: classes, methods, singleton methods', async () => {
    const text = code`
require 'json'

# Keeps users in memory.
class UserStore
  attr_reader :users

  def initialize
    @users = {}
  end

  # Removes a user.
  def remove(id)
    @users.delete(id)
  end

  def self.load(path)
    new.tap { |s| s.users.merge!(JSON.parse(File.read(path))) }
  end
end

def helper(x)
  x * 2
end

puts UserStore.new.users.size
`;
    const path = 'lib/store.rb';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 1],
      ['class', 'UserStore', 3, 19],
      ['function', 'helper', 21, 23],
      ['block', null, 25, 25],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 1],
      ['class', 'UserStore', 3, 5],
      ['method', 'UserStore.initialize', 7, 9],
      ['method', 'UserStore.remove', 11, 14],
      ['method', 'UserStore.load', 16, 19],
      ['function', 'helper', 21, 23],
      ['block', null, 25, 25],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('PHP: classes, methods, interfaces, functions', async () => {
    const text = code`
<?php

namespace App\Store;

use App\Models\User;

/** Keeps users in memory. */
class UserStore
{
    private array $users = [];

    public function remove(string $id): bool
    {
        unset($this->users[$id]);
        return true;
    }
}

interface Reader
{
    public function get(string $id): ?User;
}

function make_store(): UserStore
{
    return new UserStore();
}

echo count((new UserStore())->users);
`;
    const path = 'src/UserStore.php';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 5],
      ['class', 'UserStore', 7, 17],
      ['interface', 'Reader', 19, 22],
      ['function', 'make_store', 24, 27],
      ['block', null, 29, 29],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 5],
      ['class', 'UserStore', 7, 10],
      ['method', 'UserStore.remove', 12, 17],
      ['interface', 'Reader', 19, 22],
      ['function', 'make_store', 24, 27],
      ['block', null, 29, 29],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('bash: both function forms, commands between them in blocks', async () => {
    const text = code`
#!/usr/bin/env bash
set -euo pipefail

# Builds the app.
build() {
  npm run build
}

function deploy {
  rsync -a dist/ "$1"
}

build
deploy "$HOST"
`;
    const path = 'scripts/deploy.sh';
    expect(outline(await chunker.chunk(path, text))).toEqual([
      ['block', null, 1, 2],
      ['function', 'build', 4, 7],
      ['function', 'deploy', 9, 11],
      ['block', null, 13, 14],
    ]);
    const split = await small.chunk(path, text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 2],
      ['function', 'build', 4, 7],
      ['function', 'deploy', 9, 11],
      ['block', null, 13, 14],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('CSS: rules are packed into blocks, cut between rules', async () => {
    const text = code`
@import url("base.css");

/* Buttons */
.btn,
.btn-primary {
  color: white;
  background: blue;
}

@media (max-width: 600px) {
  .btn {
    width: 100%;
  }
}

:root {
  --accent: #08f;
}
`;
    expect(outline(await chunker.chunk('web/app.css', text))).toEqual([['block', null, 1, 18]]);
    const split = await small.chunk('web/app.css', text);
    expect(outline(split)).toEqual([
      ['block', null, 1, 8],
      ['block', null, 10, 14],
      ['block', null, 16, 18],
    ]);
    expect(chunkProblems(text, split, SMALL)).toEqual([]);
  });

  test('a function too long for one chunk is cut into windows that keep its kind and name', async () => {
    const body = Array.from({ length: 150 }, (_, i) => `  total += step(${i});`).join('\n');
    const text = `import { step } from './step.js';\n\nexport function run(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
    const chunks = await chunker.chunk('run.ts', text);
    expect(chunks[0]).toMatchObject({ kind: 'block', startLine: 1, endLine: 1 });
    const windows = chunks.slice(1);
    expect(windows.length).toBe(3);
    expect(windows.every((chunk) => chunk.kind === 'function' && chunk.name === 'run')).toBe(true);
    expect(windows[0]).toMatchObject({ startLine: 3 });
    expect(windows[windows.length - 1]).toMatchObject({ endLine: 156 });
    // neighbouring windows share a few lines
    for (let i = 1; i < windows.length; i++) {
      const shared = (windows[i - 1]?.endLine ?? 0) - (windows[i]?.startLine ?? 0) + 1;
      expect(shared).toBeGreaterThan(0);
      expect(shared).toBeLessThanOrEqual(6);
    }
    expect(chunkProblems(text, chunks)).toEqual([]);
  });

  test('a class inside a namespace inside a namespace: members qualified by their class only', async () => {
    const methods = Array.from(
      { length: 6 },
      (_, i) => `        public int M${i}(int x)\n        {\n            return x + ${i};\n        }\n`,
    ).join('\n');
    const text = `namespace Outer\n{\n    namespace Inner\n    {\n        public class Big\n        {\n${methods}        }\n    }\n}\n`;
    const chunks = await small.chunk('Big.cs', text);
    expect(outline(chunks).map(([kind, name]) => `${kind} ${name}`)).toEqual([
      'module Outer',
      'module Inner',
      'class Big',
      'method Big.M0',
      'method Big.M1',
      'method Big.M2',
      'method Big.M3',
      'method Big.M4',
      'method Big.M5',
    ]);
    expect(chunkProblems(text, chunks, SMALL)).toEqual([]);
  });
});

describe('files without a grammar', () => {
  test('plain text is cut into line windows that overlap', async () => {
    const text = Array.from({ length: 150 }, (_, i) => `line ${i + 1} of the notes`).join('\n');
    const chunks = await chunker.chunk('notes.txt', text);
    expect(outline(chunks)).toEqual([
      ['window', null, 1, 60],
      ['window', null, 51, 110],
      ['window', null, 101, 150],
    ]);
    expect(chunkProblems(text, chunks)).toEqual([]);
  });

  test('a window is cut at a blank line near its end rather than mid-paragraph', async () => {
    const paragraph = (n: number) => Array.from({ length: 20 }, (_, i) => `paragraph ${n}, sentence ${i}.`).join('\n');
    const text = [1, 2, 3, 4].map(paragraph).join('\n\n');
    const chunks = await chunker.chunk('essay.txt', text);
    expect(chunks[0]).toMatchObject({ startLine: 1, endLine: 41 });
    expect(chunkProblems(text, chunks)).toEqual([]);
  });

  test('markdown is cut at its headings, not at a # inside fenced code', async () => {
    const text = code`
Intro text.

# Install

Run the installer.

~~~sh
# not a heading
npm install
~~~

## Configure ##

Set the options.
`;
    const chunks = await chunker.chunk('docs/README.md', text);
    expect(outline(chunks)).toEqual([
      ['block', null, 1, 1],
      ['block', 'Install', 3, 10],
      ['block', 'Configure', 12, 14],
    ]);
    expect(chunkProblems(text, chunks)).toEqual([]);
  });

  test('json, yaml and unknown extensions are windowed', async () => {
    for (const path of ['package.json', 'ci.yaml', 'Makefile', 'data.unknown']) {
      const text = Array.from({ length: 70 }, (_, i) => `key${i}: ${i}`).join('\n');
      const chunks = await chunker.chunk(path, text);
      expect(outline(chunks)).toEqual([
        ['window', null, 1, 60],
        ['window', null, 51, 70],
      ]);
    }
  });

  test('an empty file and a file of blank lines have no chunks', async () => {
    expect(await chunker.chunk('empty.ts', '')).toEqual([]);
    expect(await chunker.chunk('blank.ts', '\n\n   \n\t\n\r\n')).toEqual([]);
    expect(await chunker.chunk('blank.txt', '\n'.repeat(10_000))).toEqual([]);
  });
});

describe('the chunker', () => {
  test('languageOf names the language a path is chunked as', () => {
    const cases: [string, string | null][] = [
      ['a.ts', 'typescript'],
      ['a.mts', 'typescript'],
      ['a.cts', 'typescript'],
      ['a.tsx', 'tsx'],
      ['a.js', 'javascript'],
      ['a.mjs', 'javascript'],
      ['a.cjs', 'javascript'],
      ['a.jsx', 'javascript'],
      ['a.py', 'python'],
      ['a.go', 'go'],
      ['a.rs', 'rust'],
      ['A.java', 'java'],
      ['A.cs', 'csharp'],
      ['a.cpp', 'cpp'],
      ['a.cc', 'cpp'],
      ['a.cxx', 'cpp'],
      ['a.hpp', 'cpp'],
      ['a.hh', 'cpp'],
      ['a.h', 'c'],
      ['a.c', 'c'],
      ['a.rb', 'ruby'],
      ['a.php', 'php'],
      ['a.sh', 'bash'],
      ['a.bash', 'bash'],
      ['a.css', 'css'],
      ['README.md', 'markdown'],
      ['C:\\src\\Main.JAVA', 'java'],
      ['notes.txt', null],
      ['package.json', null],
      ['Makefile', null],
      ['.ts', null],
    ];
    for (const [path, language] of cases) expect(chunker.languageOf(path), path).toBe(language);
  });

  test('CRLF line endings chunk as LF ones do, without the carriage returns', async () => {
    const lf = 'import { a } from "a";\n\nexport function f() {\n  return a;\n}\n\nclass C {\n  m() {}\n}\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const fromLf = await chunker.chunk('crlf.ts', lf);
    const fromCrlf = await chunker.chunk('crlf.ts', crlf);
    expect(fromCrlf).toEqual(fromLf);
    expect(outline(fromCrlf)).toEqual([
      ['block', null, 1, 1],
      ['function', 'f', 3, 5],
      ['class', 'C', 7, 9],
    ]);
    expect(chunkProblems(crlf, fromCrlf)).toEqual([]);
  });

  test('chunks of the same language at once come out as they do one at a time', async () => {
    const files = Array.from({ length: 12 }, (_, n) => {
      const functions = Array.from(
        { length: 40 + n * 30 },
        (_, i) => `export function f${n}_${i}(x: number) {\n  return x * ${i};\n}\n`,
      );
      return functions.join('\n');
    });
    const alone: unknown[] = [];
    for (const [n, text] of files.entries()) alone.push(await chunker.chunk(`f${n}.ts`, text));
    const together = await Promise.all(files.map((text, n) => chunker.chunk(`f${n}.ts`, text)));
    expect(together).toEqual(alone);
  });

  test('a parse over its time budget falls back to line windows', async () => {
    const impatient = await createChunker({ parseTimeoutMs: 0 });
    const text = Array.from({ length: 8_000 }, (_, i) => `export function f${i}(x: number) { return x + ${i}; }`).join(
      '\n',
    );
    const chunks = await impatient.chunk('big.ts', text);
    expect(chunks.every((chunk) => chunk.kind === 'window')).toBe(true);
    expect(chunkProblems(text, chunks)).toEqual([]);
    // the parser it gave up on is reset: the next file parses from its own start
    const after = await impatient.chunk('small.ts', 'export function g() {}\n');
    expect(outline(after)).toEqual([['function', 'g', 1, 1]]);
    impatient.dispose();
  });

  test('options are checked, and the limits hold', async () => {
    await expect(createChunker({ maxChunkLines: 0 })).rejects.toThrow(RangeError);
    await expect(createChunker({ maxChunkChars: Number.NaN })).rejects.toThrow(RangeError);
    await expect(createChunker({ windowOverlap: -1 })).rejects.toThrow(RangeError);
    const tight = await createChunker({ maxChunkLines: 5, maxChunkChars: 120, windowOverlap: 2 });
    const text = readFileSync(new URL('./syntax.ts', import.meta.url), 'utf8');
    expect(chunkProblems(text, await tight.chunk('syntax.ts', text), { maxLines: 5, maxChars: 120 })).toEqual([]);
    tight.dispose();
  });

  test('after dispose a chunk call fails', async () => {
    const once = await createChunker();
    expect(await once.chunk('a.py', 'def f():\n    pass\n')).toHaveLength(1);
    once.dispose();
    await expect(once.chunk('a.py', 'def f():\n    pass\n')).rejects.toThrow(/disposed/);
  });

  test('every non-blank line of the repository own sources is in a chunk, at two sizes', async () => {
    const folder = join(import.meta.dirname, '..', '..');
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.(ts|js|mjs)$/.test(name))
      .sort()
      .slice(0, 80);
    expect(files.length).toBeGreaterThan(20);
    const tight = await createChunker({ maxChunkLines: 12, maxChunkChars: 500, windowOverlap: 3 });
    for (const file of files) {
      const text = readFileSync(join(folder, file), 'utf8');
      expect(chunkProblems(text, await chunker.chunk(file, text)), file).toEqual([]);
      expect(chunkProblems(text, await tight.chunk(file, text), { maxLines: 12, maxChars: 500 }), file).toEqual([]);
    }
    tight.dispose();
  });
});
