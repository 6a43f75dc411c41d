import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderRequest } from './providers/provider.js';
import {
  envSecretsOf,
  MAX_ENV_FILE_BYTES,
  parseEnv,
  placeholderOf,
  Redactor,
  redactArguments,
  redactMessages,
  redactRequest,
} from './redact.js';

// Fake secrets are put together at run time so the repository holds nothing a secret scanner would flag.
const mixedRun = (n: number) => 'aB3xK9mQ2z'.repeat(Math.ceil(n / 10)).slice(0, n);
const fake = {
  awsAccess: `${'AK'}IA${'ABCDEFGH23456789'}`,
  awsSecret: `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'Q1w2E3r4T5'}`,
  github: `gh${'p'}_${'a'.repeat(36)}`,
  githubPat: `github${'_pat_'}${'A1b2C3d4E5f6G7h8I9j0K1'}_${mixedRun(59)}`,
  gitlab: `gl${'pat'}-${'xY7zW3vU1tS9rQ5pO2nM'}`,
  slack: `xo${'xb'}-${'123456789012-1234567890123-'}${mixedRun(24)}`,
  slackWebhook: `https://hooks.slack.com/services/${'T01ABCDEF'}/${'B02GHIJKL'}/${mixedRun(24)}`,
  stripe: `sk${'_live_'}${mixedRun(24)}`,
  google: `AI${'za'}Sy${mixedRun(33)}`,
  openai: `sk${'-'}${mixedRun(48)}`,
  openaiProject: `sk${'-proj-'}${mixedRun(60)}_${mixedRun(40)}-${mixedRun(50)}`,
  anthropic: `sk${'-ant-'}api03-${mixedRun(93)}AA`,
  huggingface: `hf${'_'}${mixedRun(34)}`,
  npm: `np${'m_'}${mixedRun(36)}`,
  jwt: `ey${'J'}hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.ey${'J'}zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.${'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'}`,
};
const pem = (label: string) =>
  [
    `-----BEGIN ${label}PRIVATE KEY-----`,
    mixedRun(64),
    mixedRun(64),
    `${mixedRun(20)}==`,
    `-----END ${label}PRIVATE KEY-----`,
  ].join('\n');

/** For `${…}` in text (a placeholder the redactor must leave), without a template placeholder in a plain string. */
const $ = '$';

const redactor = new Redactor();
const redact = (text: string) => redactor.redact(text);

describe('the detectors', () => {
  it.each([
    ['aws-access-key', `key id ${fake.awsAccess} here`, fake.awsAccess],
    ['github-token', `git clone https://${fake.github}@github.com/o/r`, fake.github],
    ['github-token', `GH=${fake.githubPat};`, fake.githubPat],
    ['gitlab-token', `token ${fake.gitlab}.`, fake.gitlab],
    ['slack-token', `SLACK ${fake.slack}`, fake.slack],
    ['stripe-key', `Stripe(${JSON.stringify(fake.stripe)})`, fake.stripe],
    ['google-api-key', `?key=${fake.google}&q=1`, fake.google],
    ['openai-key', `use ${fake.openai} please`, fake.openai],
    ['openai-key', `new OpenAI({ apiKey: '${fake.openaiProject}' })`, fake.openaiProject],
    ['anthropic-key', `ANTHROPIC ${fake.anthropic}`, fake.anthropic],
    ['huggingface-token', `login ${fake.huggingface}`, fake.huggingface],
    ['npm-token', `//registry.npmjs.org/:_authToken ${fake.npm}`, fake.npm],
    ['jwt', `cookie: session=${fake.jwt}; Path=/`, fake.jwt],
  ])('%s', (kind, text, secret) => {
    const result = redact(text);
    expect(result.text).not.toContain(secret);
    expect(result.text).toBe(text.replace(secret, `[REDACTED:${kind}]`));
    expect(result.count).toBe(1);
    expect(result.kinds).toEqual({ [kind]: 1 });
  });

  it.each(['RSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED ', '', 'DSA '])(
    'a %sprivate key block, whole, raw or JSON-escaped',
    (label) => {
      const key = pem(label);
      const raw = redact(`before\n${key}\nafter`);
      expect(raw.text).toBe('before\n[REDACTED:private-key]\nafter');
      const json = JSON.stringify({ private_key: key, other: 'kept' });
      const escaped = redact(json);
      expect(escaped.text).toBe(JSON.stringify({ private_key: '[REDACTED:private-key]', other: 'kept' }));
      expect(escaped.count).toBe(1);
    },
  );

  it('a private key with no END marker: the header and the base64 after it', () => {
    const text = `-----BEGIN OPENSSH PRIVATE KEY-----\n${mixedRun(70)}\n${mixedRun(70)}\n and then prose`;
    expect(redact(text).text).toBe('[REDACTED:private-key]\n and then prose');
    expect(redact(`{"k":"-----BEGIN EC PRIVATE KEY-----\\n${mixedRun(64)}\\n${mixedRun(9)}\\n","n":1}`).text).toBe(
      '{"k":"[REDACTED:private-key]\\n","n":1}',
    );
    expect(redact(`${'-----BEGIN RSA PRIVATE KEY-----'}${mixedRun(10)} x`).text).toBe('[REDACTED:private-key] x');
  });

  it('an AWS secret key only where it is assigned', () => {
    expect(redact(`aws_secret_access_key = ${fake.awsSecret}\n`).text).toBe(
      'aws_secret_access_key = [REDACTED:aws-secret-key]\n',
    );
    expect(redact(`{"SecretAccessKey": "${fake.awsSecret}"}`).text).toBe(
      '{"SecretAccessKey": "[REDACTED:aws-secret-key]"}',
    );
    expect(redact(`AWS_SECRET_ACCESS_KEY=${fake.awsSecret}`).kinds).toEqual({ 'aws-secret-key': 1 });
    expect(redact(`checksum ${fake.awsSecret}`).count).toBe(0);
  });

  it('a Slack webhook keeps its host', () => {
    expect(redact(`post to ${fake.slackWebhook}`).text).toBe(
      'post to https://hooks.slack.com/services/[REDACTED:slack-webhook]',
    );
  });

  it('the password of a URL, and nothing else of it', () => {
    expect(redact('git remote add o https://user:pass@host/x.git').text).toBe(
      'git remote add o https://user:[REDACTED:url-password]@host/x.git',
    );
    expect(redact('DATABASE_URL=postgres://app:s3cr3t-Pw@db.internal:5432/app').text).toBe(
      'DATABASE_URL=postgres://app:[REDACTED:url-password]@db.internal:5432/app',
    );
    expect(redact('redis://:hunter2@cache:6379').text).toBe('redis://:[REDACTED:url-password]@cache:6379');
    expect(redact('see https://host:8080/path and ssh://git@host/x').count).toBe(0);
    expect(redact(`postgres://app:${$}{DB_PASSWORD}@db/app`).count).toBe(0);
  });

  it('Authorization headers', () => {
    const opaque = mixedRun(32);
    expect(redact(`curl -H "Authorization: Bearer ${opaque}" https://api`).text).toBe(
      'curl -H "Authorization: Bearer [REDACTED:auth-header]" https://api',
    );
    expect(redact(`{"authorization": "Basic ${Buffer.from('u:pw12345').toString('base64')}"}`).kinds).toEqual({
      'auth-header': 1,
    });
    expect(redact(`Authorization: Bearer ${opaque}.`).text).toBe('Authorization: Bearer [REDACTED:auth-header].');
    // a JWT in the header is named for what it is
    expect(redact(`Authorization: Bearer ${fake.jwt}`).text).toBe('Authorization: Bearer [REDACTED:jwt]');
    expect(redact(`headers: { Authorization: \`Bearer ${$}{token}\` }`).count).toBe(0);
    expect(redact('Authorization: Bearer <your-token>').count).toBe(0);
  });

  it.each([
    ['const password = "hunter2hunter";', 'const password = "[REDACTED:secret-assignment]";'],
    ["db:\n  password: 'P@ssw0rd!'\n", "db:\n  password: '[REDACTED:secret-assignment]'\n"],
    ['{"client_secret":"a1b2c3d4e5f6"}', '{"client_secret":"[REDACTED:secret-assignment]"}'],
    ['API_TOKEN=abcd1234efgh5678\n', 'API_TOKEN=[REDACTED:secret-assignment]\n'],
    ['password: Tr0ub4dor3 # old one', 'password: [REDACTED:secret-assignment] # old one'],
    ['mysql --password=s3cr3t!x --host db', 'mysql --password=[REDACTED:secret-assignment] --host db'],
    ["'api_key' => 'k9Jd83mZq01x',", "'api_key' => '[REDACTED:secret-assignment]',"],
    ['token := "Zm9vYmFyYmF6cXV4"', 'token := "[REDACTED:secret-assignment]"'],
    ["ADMIN_PASSWORD: 'correct-horse-battery'", "ADMIN_PASSWORD: '[REDACTED:secret-assignment]'"],
    ['db.password=Sup3rSecret\n', 'db.password=[REDACTED:secret-assignment]\n'],
    ['kubectl: {password: czNjcjN0UGFzczEyMzQ1Ng==}', 'kubectl: {password: [REDACTED:secret-assignment]}'],
    [
      'conn = "AccountKey=Zm9vYmFy/YmF6cXV4+cXV1eA1==;Suffix=x"',
      'conn = "AccountKey=[REDACTED:secret-assignment];Suffix=x"',
    ],
    [
      '{"content":"SECRET_KEY=abc123def456\\nDEBUG=1"}',
      '{"content":"SECRET_KEY=[REDACTED:secret-assignment]\\nDEBUG=1"}',
    ],
  ])('a secret-named assignment: %s', (text, expected) => {
    expect(redact(text).text).toBe(expected);
  });

  it('names the more specific kind where a token is also assigned', () => {
    expect(redact(`const apiKey = '${fake.google}';`).text).toBe("const apiKey = '[REDACTED:google-api-key]';");
    expect(redact(`GITHUB_TOKEN=${fake.github}`).kinds).toEqual({ 'github-token': 1 });
  });
});

describe('what is not a secret', () => {
  it.each([
    'const token = getToken();',
    'let password: string;',
    'interface Login { password: string | undefined; token?: string }',
    'password: string',
    'const secret = process.env.SECRET_KEY;',
    "const apiKey = process.env['API_KEY'] ?? '';",
    'token = os.environ["TOKEN"]',
    'this.token = token;',
    'apiKey: z.string().min(1),',
    'const token = await fetchToken(user);',
    'if (token === "expected-value") {}',
    "{ token: 'keyword.control', foreground: 'ff0000' }",
    "fetch(url, { credentials: 'same-origin' })",
    'password = "changeme"',
    'api_key: "your-api-key-here"',
    `token: "${$}{GITHUB_TOKEN}"`,
    `token: ${$}{{ secrets.GITHUB_TOKEN }}`,
    'password: "xxxxxxxxxxxx"',
    'secret: "********"',
    'maxTokens: 4096,',
    'tokenType = "access_token"',
    'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
    'id: 123e4567-e89b-42d3-a456-426614174000',
    'the task-sk-1 and risk-assessment-sk-prod-deployment-2',
    'className="sk-loading-spinner-container"',
    'hf_hub_download(repo_id, filename)',
    'see https://example.com/docs?page=2 and http://localhost:3000',
    'a secret message about passwords in prose',
    `<img src="data:image/png;base64,${Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('base64')}">`,
    'Bearer authentication is described in RFC 6750',
    'const workSecret = opts?.workSecret || readEnv("WORK_SECRET") || null;',
    'lastSignificantToken = "?InterpolationInTemplate";',
    "token = 'IDENTIFIER'; nextToken = 'PunctuationMark';",
    'const { contextToken: contextToken2, previousToken: previousToken2 } = tokens;',
    'let password = userInput2\n',
    'const token = tokenFor1 + x',
  ])('%s', (text) => {
    const result = redact(text);
    expect(result).toEqual({ text, count: 0, kinds: {} });
  });
});

describe('counting and stability', () => {
  it('counts by kind, and overlapping finds once', () => {
    const text = [
      `a ${fake.github} b ${fake.github}`,
      `c ${fake.awsAccess}`,
      'password = "hunter2hunter"',
      `nested = "x-${fake.github}-y"`,
    ].join('\n');
    const result = redact(text);
    expect(result.kinds).toEqual({ 'github-token': 3, 'aws-access-key': 1, 'secret-assignment': 1 });
    expect(result.count).toBe(5);
  });

  it('is idempotent: a second pass changes nothing and counts nothing', () => {
    const text = [
      ...Object.values(fake).filter((secret) => secret !== fake.awsSecret),
      pem('RSA '),
      'password: Tr0ub4dor3',
      'const apiKey = "k9Jd83mZq01x";',
      `Authorization: Bearer ${mixedRun(40)}`,
      'https://user:pass@host',
      `aws_secret_access_key=${fake.awsSecret}`,
      `-----BEGIN PRIVATE KEY-----\n${mixedRun(40)}`,
    ].join('\n');
    const literal = new Redactor({ literals: ['my-env-secret-value', 'Q9zX7wV5'] });
    const withLiterals = `${text}\nvalue my-env-secret-value and Q9zX7wV5`;
    for (const r of [redactor, literal]) {
      const once = r.redact(withLiterals);
      expect(once.count).toBeGreaterThan(Object.keys(fake).length);
      for (const secret of Object.values(fake)) expect(once.text).not.toContain(secret);
      if (r === literal) expect(once.text).toMatch(/value \[REDACTED:env-value\] and \[REDACTED:env-value\]$/);
      const twice = r.redact(once.text);
      expect(twice).toEqual({ text: once.text, count: 0, kinds: {} });
    }
  });

  it('keeps nothing of a secret in its placeholder', () => {
    expect(placeholderOf('openai-key')).toBe('[REDACTED:openai-key]');
    const result = redact(`x ${fake.openai} y`);
    expect(result.text).toBe('x [REDACTED:openai-key] y');
  });
});

describe('literal values', () => {
  it('replaces every occurrence, longest first, overlapping ones as one', () => {
    const r = new Redactor({ literals: ['abcdefgh12', 'abcdefgh1234', 'gh1234zzzz', 'short', 'qwertyuiop'] });
    const result = r.redact('abcdefgh1234 | abcdefgh12 | abcdefgh1234zzzz | short | qwertyuiopqwertyuiop');
    expect(result.text).toBe(
      '[REDACTED:env-value] | [REDACTED:env-value] | [REDACTED:env-value] | short | [REDACTED:env-value][REDACTED:env-value]',
    );
    expect(result.kinds).toEqual({ 'env-value': 5 });
    expect(r.literalCount).toBe(4);
  });

  it('treats values as text, not patterns, and drops ones a placeholder holds', () => {
    const r = new Redactor({ literals: ['a.b*c+d?(e)', 'REDACTED:env-value', '[REDACTED'] });
    expect(r.literalCount).toBe(1);
    expect(r.redact('x a.b*c+d?(e) y aXbbbcd').text).toBe('x [REDACTED:env-value] y aXbbbcd');
  });
});

describe('.env files', () => {
  const roots: string[] = [];
  const workspace = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'pa-redact-'));
    roots.push(root);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('parses dotenv syntax', () => {
    const text = [
      '# a comment',
      'export API_TOKEN=tok-123456789',
      'QUOTED="double quoted value"',
      "SINGLE='single quoted'",
      'BACK=`back ticked`',
      'INLINE=plain-value # trailing comment',
      'HASHED=abc#defgh',
      'MULTI="line one',
      'line two"',
      'ESCAPED="a\\nb"',
      'EMPTY=',
      'COLON: yaml-ish',
      'not an assignment',
      'WINDOWS=crlf-value\r',
    ].join('\n');
    expect(parseEnv(text)).toEqual([
      { key: 'API_TOKEN', value: 'tok-123456789' },
      { key: 'QUOTED', value: 'double quoted value' },
      { key: 'SINGLE', value: 'single quoted' },
      { key: 'BACK', value: 'back ticked' },
      { key: 'INLINE', value: 'plain-value' },
      { key: 'HASHED', value: 'abc#defgh' },
      { key: 'HASHED', value: 'abc' },
      { key: 'MULTI', value: 'line one\nline two' },
      { key: 'ESCAPED', value: 'a\nb' },
      { key: 'ESCAPED', value: 'a\\nb' },
      { key: 'COLON', value: 'yaml-ish' },
      { key: 'WINDOWS', value: 'crlf-value' },
    ]);
  });

  it('an unclosed quote hides nothing after it, and many of them stay linear', () => {
    expect(parseEnv('A="unclosed\nB_TOKEN=later-secret-1')).toEqual([
      { key: 'A', value: 'unclosed' },
      { key: 'B_TOKEN', value: 'later-secret-1' },
    ]);
    const hostile = 'K="v\n'.repeat(40_000);
    const started = performance.now();
    expect(parseEnv(hostile)).toHaveLength(40_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads .env, .env.local and .env.* but not the templates, and keeps only secret values', () => {
    const root = workspace({
      '.env': [
        'export DB_PASSWORD="correct horse battery"',
        'NODE_ENV=production',
        'PORT=30000000',
        'DEBUG=true',
        'API_URL=https://api.example.com/v1',
        'DATABASE_URL=postgres://app:pw@db/app',
        `SESSION_SALT='${mixedRun(24)}'`,
        'RANDOM_THING=Zq8xV2mN7bK4wP1s',
        'TOKEN_URL=https://auth.example.com/token',
        'KEY_PATH=/etc/keys/server.key',
        'STRIPE_SECRET_KEY=changeme',
        '# SECRET=commented-out-value',
      ].join('\n'),
      '.env.local': 'LOCAL_TOKEN=local-token-value\n',
      '.env.production': 'PROD_API_KEY=prod-key-value-1\n',
      '.env.example': 'EXAMPLE_TOKEN=example-only-value\n',
      '.env.sample': 'SAMPLE_TOKEN=sample-only-value\n',
      '.env.template': 'TEMPLATE_TOKEN=template-only-value\n',
      '.envrc': 'OTHER_TOKEN=not-a-dotenv-file\n',
    });
    expect(envSecretsOf(root).sort()).toEqual(
      [
        'correct horse battery',
        'postgres://app:pw@db/app',
        mixedRun(24),
        'Zq8xV2mN7bK4wP1s',
        'local-token-value',
        'prod-key-value-1',
      ].sort(),
    );
    const r = Redactor.forWorkspace(root);
    const result = r.redact('connect with correct horse battery and local-token-value in production');
    expect(result.text).toBe('connect with [REDACTED:env-value] and [REDACTED:env-value] in production');
    expect(Redactor.forWorkspace(null).literalCount).toBe(0);
  });

  it('refuses a symlinked .env, a folder named .env and a file over the limit', () => {
    const outside = workspace({ 'secrets.txt': 'OUTSIDE_TOKEN=outside-token-value\n' });
    const root = workspace({ '.env.big': `BIG_TOKEN=big-token-value\n${'#'.repeat(MAX_ENV_FILE_BYTES)}` });
    symlinkSync(join(outside, 'secrets.txt'), join(root, '.env'));
    symlinkSync(join(outside, 'secrets.txt'), join(root, '.env.local'));
    mkdirSync(join(root, '.env.dir'));
    writeFileSync(join(root, '.env.test'), 'TEST_TOKEN=test-token-value\n');
    expect(envSecretsOf(root)).toEqual(['test-token-value']);
    expect(envSecretsOf(join(root, 'missing'))).toEqual([]);
  });
});

describe('messages and requests', () => {
  it('redacts chat messages into new objects, counting all of them', () => {
    const messages = [
      { role: 'system' as const, content: 'be brief' },
      { role: 'user' as const, content: `my key is ${fake.openai} and ${fake.github}` },
    ];
    const before = structuredClone(messages);
    const result = redactMessages(messages, redactor);
    expect(messages).toEqual(before);
    expect(result.messages[0]).not.toBe(messages[0]);
    expect(result.messages[1]?.content).toBe('my key is [REDACTED:openai-key] and [REDACTED:github-token]');
    expect(result.count).toBe(2);
    expect(result.kinds).toEqual({ 'openai-key': 1, 'github-token': 1 });
  });

  it('redacts tool rounds: text, arguments (still JSON) and results', () => {
    const request: ProviderRequest = {
      messages: [{ role: 'user', content: `deploy with ${fake.npm}` }],
      maxTokens: 100,
      toolRounds: [
        {
          text: 'reading the config',
          calls: [
            {
              id: 'c1',
              name: 'write_file',
              arguments: JSON.stringify({ path: '.npmrc', content: `//registry/:_authToken=${fake.npm}\n` }),
              result: `wrote, token ${fake.stripe}`,
              isError: false,
            },
          ],
        },
      ],
    };
    const before = structuredClone(request);
    const result = redactRequest(request, redactor);
    expect(request).toEqual(before);
    expect(result.count).toBe(3);
    expect(result.kinds).toEqual({ 'npm-token': 2, 'stripe-key': 1 });
    expect(result.request.maxTokens).toBe(100);
    const call = result.request.toolRounds?.[0]?.calls[0];
    expect(JSON.parse(call?.arguments ?? '')).toEqual({
      path: '.npmrc',
      content: '//registry/:_authToken=[REDACTED:npm-token]\n',
    });
    expect(call?.result).toBe('wrote, token [REDACTED:stripe-key]');
    expect(redactRequest({ messages: [] }, redactor).request).toEqual({ messages: [] });
  });

  it('rewrites JSON arguments whose escapes a replacement would have broken', () => {
    const r = new Redactor({ literals: ['tail-of-secret\\'] });
    const args = JSON.stringify({ text: 'x tail-of-secret\\ y', password: 'Pa55word-abc' });
    const result = redactArguments(args, r);
    expect(JSON.parse(result.text)).toEqual({
      text: 'x [REDACTED:env-value] y',
      password: '[REDACTED:secret-assignment]',
    });
    expect(result.count).toBe(2);
  });
});

describe('hostile input', () => {
  const big = 1_000_000;
  const literalRedactor = new Redactor({ literals: [`${'a'.repeat(200)}b`, 'sk-sk-sk-x'] });
  it.each([
    ['a run of letters', 'a'.repeat(big)],
    ['a private key header with no end', `-----BEGIN PRIVATE KEY-----${'A'.repeat(big)}`],
    ['private key headers, no ends', '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(big / 32)],
    ['eyJ and a long run', `eyJ${'a'.repeat(big)}`],
    ['JWT-like parts', 'eyJaaaaaaaaa.'.repeat(big / 13)],
    ['sk- repeated', 'sk-'.repeat(big / 3)],
    ['ghp_ repeated', 'ghp_'.repeat(big / 4)],
    ['assignments chained', 'a=/'.repeat(big / 3)],
    ['secret assignments chained', 'token=/'.repeat(big / 7)],
    ['quoted assignments chained', 'password="'.repeat(big / 10)],
    ['url schemes', 'https://'.repeat(big / 8)],
    ['url credentials without @', `https://u:${'p'.repeat(big)}`],
    ['colons', 'a:'.repeat(big / 2)],
    ['authorization headers', 'Authorization: Bearer '.repeat(big / 22)],
    ['base64', Buffer.from('x'.repeat(big * 0.75)).toString('base64')],
    ['refused assignments inside a value', `k="${'a=b1c2d3e4;'.repeat(big / 11)}"`],
    ['long quoted values', `conn = "${`${'x'.repeat(500)}" `.repeat(big / 502)}`],
    ['.env literal prefixes', `${'a'.repeat(200)}c`.repeat(big / 201)],
  ])('%s (1 MB) in well under a second', (_name, text) => {
    const started = performance.now();
    redactor.redact(text);
    literalRedactor.redact(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
