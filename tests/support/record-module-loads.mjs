// Preloaded with `node --import` by tests that check what a process loads: appends every module it imports (file
// URL) and every module it requires (`require:<request>`) to the file named by PA_RECORD_LOADS, one a line.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.PA_RECORD_LOADS;
if (log) {
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  const load = Module._load;
  Module._load = function (request, ...rest) {
    appendFileSync(log, `require:${request}\n`);
    return load.call(this, request, ...rest);
  };
}
