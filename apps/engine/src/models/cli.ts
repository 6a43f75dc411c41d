// `pa models pull <hf:user/repo:quant | URL>`, `pa models files`, `pa models catalog`: the model manager through the
// same RPC handlers the UI uses (models.pull's stream, validated), on an in-process engine. The progress bar goes to
// stderr (only on a terminal: a pipe gets one line per 10%), the result to stdout.
import type { ModelsPullProgress, ParamsIn } from '@pa/shared';
import type { Command } from 'commander';
import { withLocalEngine } from '../cli/local-engine.js';

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** One line: `[#####-----]  42%  1.2 GB / 2.9 GB  35 MB/s  ETA 0:48`. */
export function progressLine(item: ModelsPullProgress, width = 30): string {
  if (item.phase === 'resolving') return 'Resolving…';
  if (item.phase === 'verifying') return `Verifying ${item.fileName ?? ''}…`;
  const fraction = item.totalBytes > 0 ? Math.min(1, item.downloadedBytes / item.totalBytes) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${bar} ${percent}  ${formatBytes(item.downloadedBytes)} / ${formatBytes(item.totalBytes)}  ${formatBytes(item.bytesPerSecond)}/s  ETA ${formatEta(item.etaSeconds)}`;
}

export function registerModelFileCommands(program: Command): void {
  const models =
    program.commands.find((command) => command.name() === 'models') ??
    program.command('models').description('models: download, list');

  models
    .command('pull')
    .description('download a GGUF model (hf:user/repo:quant or an http(s) URL) into the models folder; resumes')
    .argument('<source>', 'hf:user/repo:quant, hf:user/repo/file.gguf or https://…/model.gguf')
    .option('--dir <folder>', 'download into this absolute folder instead of the data dir’s models folder')
    .option('--file-name <name>', 'save under this file name')
    .option('--sha256 <hex>', 'the expected sha256 (checked after the download)')
    .option('--json', 'print the result as JSON')
    .action(async (source: string, options: { dir?: string; fileName?: string; sha256?: string; json?: boolean }) => {
      const params: ParamsIn<'models.pull'> = {
        source,
        ...(options.dir ? { dir: options.dir } : {}),
        ...(options.fileName ? { fileName: options.fileName } : {}),
        ...(options.sha256 ? { sha256: options.sha256 } : {}),
      };
      const tty = process.stderr.isTTY === true;
      let lastDecile = -1;
      const result = await withLocalEngine({ actor: 'cli' }, async (local) => {
        const stream = local.stream('models.pull', params);
        for await (const item of stream) {
          if (tty) {
            process.stderr.write(`\r\u001b[2K${progressLine(item)}`);
          } else if (item.phase === 'downloading' && item.totalBytes > 0) {
            const decile = Math.floor((item.downloadedBytes / item.totalBytes) * 10);
            if (decile !== lastDecile) {
              lastDecile = decile;
              process.stderr.write(`${progressLine(item)}\n`);
            }
          }
        }
        if (tty) process.stderr.write('\n');
        return stream.result;
      });
      if (options.json) return print(JSON.stringify(result, null, 2));
      const how = result.alreadyPresent
        ? 'already downloaded'
        : result.resumedFromBytes > 0
          ? `resumed from ${formatBytes(result.resumedFromBytes)}`
          : 'downloaded';
      print(`${result.path} (${formatBytes(result.sizeBytes)}, ${how}${result.sha256 ? ', sha256 checked' : ''})`);
      print(
        `Use it: pa models add local --kind local --class local --model ${result.fileName.replace(/\.gguf$/i, '')} --model-path ${JSON.stringify(result.path)}`,
      );
    });

  models
    .command('files')
    .description('list the GGUF files (and interrupted downloads) in the models folder')
    .option('--dir <folder>', 'another absolute folder')
    .option('--json', 'print JSON')
    .action(async (options: { dir?: string; json?: boolean }) => {
      const listed = await withLocalEngine({ actor: 'cli' }, (local) =>
        local.call('models.list', options.dir ? { dir: options.dir } : undefined),
      );
      if (options.json) return print(JSON.stringify(listed, null, 2));
      if (listed.models.length === 0) return print(`No models in ${listed.dir}; get one with \`pa models pull\`.`);
      print(listed.dir);
      for (const model of listed.models) {
        const what = model.partial
          ? 'partial download (pull again to resume)'
          : model.header
            ? [model.header.architecture, model.header.fileType, model.header.fim ? 'FIM' : '']
                .filter(Boolean)
                .join(' ')
            : (model.error ?? '');
        print(`  ${model.fileName.padEnd(48)} ${formatBytes(model.sizeBytes).padStart(8)}  ${what}`);
      }
    });

  models
    .command('catalog')
    .description('the curated models, and which fit this machine')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const recommended = await withLocalEngine({ actor: 'cli' }, (local) => local.call('models.recommend'));
      if (options.json) return print(JSON.stringify(recommended, null, 2));
      const hw = recommended.hardware;
      print(
        `RAM ${formatBytes(hw.ramBytes)}, ${hw.gpu === false ? 'no GPU' : `${hw.gpu} ${formatBytes(hw.vramBytes)} VRAM`}, ${formatBytes(hw.freeDiskBytes)} free disk`,
      );
      for (const entry of recommended.entries) {
        const badge = entry.fit.fits ? (entry.recommended ? 'recommended' : 'fits') : 'too big';
        const where = entry.downloadedPath ? '  downloaded' : '';
        print(
          `  ${entry.title.padEnd(46)} ${formatBytes(entry.sizeBytes).padStart(8)}  ${entry.purpose.join(',').padEnd(12)} ${badge}${where}`,
        );
        print(`    ${entry.source}  (${entry.licence})`);
      }
    });
}
