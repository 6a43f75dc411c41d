// Child of license_verify: how long a fresh process takes to load the verifier and verify one license cold.
export {};

const [license = '', publicKeyHex = ''] = process.argv.slice(2);
const importStart = performance.now();
const { verifyLicense } = await import('@pa/shared');
const importMs = performance.now() - importStart;
const verifyStart = performance.now();
const verdict = verifyLicense(license, {
  publicKey: Uint8Array.from(Buffer.from(publicKeyHex, 'hex')),
  now: Date.now(),
  highWaterMark: null,
  device: { fingerprint: 'f'.repeat(64), certificate: null },
});
const firstVerifyMs = performance.now() - verifyStart;
if (!verdict.ok) throw new Error(`did not verify: ${verdict.reason}`);
process.stdout.write(`${JSON.stringify({ importMs, firstVerifyMs })}\n`);
