// Runs the engine's secrets store in this process's environment (with or without a Secret Service) and prints
// what it saw as one JSON line: the backend, a round trip, and a delete.
import { createSecrets } from '../../../apps/engine/src/secrets/index.js';

const [dataDir = '', value = ''] = process.argv.slice(2);
const secrets = createSecrets({ dataDir });
await secrets.set('license', value);
const got = await secrets.get('license');
const reopened = await createSecrets({ dataDir }).get('license');
await secrets.delete('license');
const afterDelete = await secrets.get('license');
process.stdout.write(`${JSON.stringify({ backend: secrets.backend, got, reopened, afterDelete })}\n`);
