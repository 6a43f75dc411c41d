// Model settings › Models: get a model — the curated catalog with "fits" / "too big" for this machine, a field for
// any hf: URI or URL, each download with its progress bar (bytes, rate, ETA), Cancel and Resume, errors that say
// what to do; the downloaded files with "Use for completion" / "Use for chat". State lives in
// ModelDownloadsController.
import type { ModelFile, Recommendation } from '@pa/shared';
import { useEffect, useState } from 'react';
import { useObservable } from '../workbench/observable';
import {
  type DownloadState,
  formatBytes,
  formatEta,
  type ModelDownloadsController,
} from './model-downloads-controller';

function Progress({ download, controller }: { download: DownloadState; controller: ModelDownloadsController }) {
  const item = download.progress;
  const total = item?.totalBytes ?? 0;
  const done = item?.downloadedBytes ?? 0;
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  const running = download.status === 'downloading' || download.status === 'cancelling';
  const phase = item?.phase === 'resolving' ? 'Resolving…' : item?.phase === 'verifying' ? 'Verifying…' : `${percent}%`;
  return (
    <div className="ai-download" data-testid="model-download" data-status={download.status}>
      {running && (
        <>
          <div
            className="ai-download__bar"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-label={`Downloading ${item?.fileName ?? download.source}`}
          >
            <div className="ai-download__fill" style={{ width: `${percent}%` }} />
          </div>
          <div className="ai-download__figures" data-testid="model-download-figures">
            <span>{phase}</span>
            <span>
              {formatBytes(done)} / {total > 0 ? formatBytes(total) : '?'}
            </span>
            <span>{formatBytes(item?.bytesPerSecond ?? 0)}/s</span>
            <span>ETA {formatEta(item?.etaSeconds ?? null)}</span>
            <button
              type="button"
              className="ai-button"
              disabled={download.status === 'cancelling'}
              onClick={() => void controller.cancel(download.source)}
            >
              Cancel
            </button>
          </div>
        </>
      )}
      {(download.status === 'cancelled' || download.status === 'failed') && (
        <div className="ai-download__figures">
          <span className={download.status === 'failed' ? 'ai-message__error' : 'ai-download__note'}>
            {download.message}
          </span>
          <button type="button" className="ai-button" onClick={() => void controller.download(download.source)}>
            {download.status === 'cancelled' ? 'Resume' : 'Retry'}
          </button>
        </div>
      )}
    </div>
  );
}

function CatalogRow({
  entry,
  download,
  controller,
}: {
  entry: Recommendation;
  download: DownloadState | undefined;
  controller: ModelDownloadsController;
}) {
  const running = download?.status === 'downloading' || download?.status === 'cancelling';
  const fit = entry.fit;
  const where = fit.gpuLayers !== 0 ? 'on the GPU' : 'on the CPU';
  return (
    <div className="ai-provider" data-testid={`model-catalog-${entry.id}`}>
      <div className="ai-provider__head">
        <strong>{entry.title}</strong>
        <span className={`ai-badge ${fit.fits ? 'ai-badge--ok' : 'ai-badge--no'}`}>
          {fit.fits ? (entry.recommended ? 'fits · recommended' : 'fits') : 'too big'}
        </span>
      </div>
      <div className="ai-provider__meta">
        {formatBytes(entry.sizeBytes)} · {entry.parameters} · {entry.licence} · {entry.purpose.join(', ')}
        {fit.fits && ` · ${where}, ${fit.contextSize.toLocaleString()} tokens of context`}
      </div>
      <div className="ai-download__desc">{entry.description}</div>
      <div className="ai-provider__actions">
        {entry.downloadedPath ? (
          <UseButtons path={entry.downloadedPath} controller={controller} />
        ) : (
          !running && (
            <button type="button" className="ai-button" onClick={() => void controller.download(entry.source)}>
              {entry.partialBytes > 0 ? `Resume (${formatBytes(entry.partialBytes)} there)` : 'Download'}
            </button>
          )
        )}
      </div>
      {download && download.status !== 'done' && <Progress download={download} controller={controller} />}
    </div>
  );
}

function UseButtons({ path, controller }: { path: string; controller: ModelDownloadsController }) {
  return (
    <>
      <button type="button" className="ai-button" onClick={() => void controller.use(path, 'completion')}>
        Use for completion
      </button>
      <button type="button" className="ai-button" onClick={() => void controller.use(path, 'chat')}>
        Use for chat
      </button>
    </>
  );
}

function FileRow({ file, controller }: { file: ModelFile; controller: ModelDownloadsController }) {
  const header = file.header;
  return (
    <div className="ai-provider" data-testid={`model-file-${file.fileName}`}>
      <div className="ai-provider__head">
        <strong>{file.fileName}</strong>
        <span className="ai-provider__meta">
          {formatBytes(file.sizeBytes)}
          {header &&
            ` · ${[header.architecture, header.fileType, header.fim ? 'fill-in-the-middle' : ''].filter(Boolean).join(' · ')}`}
          {file.partial && (file.downloading ? ' · downloading' : ' · interrupted download')}
        </span>
      </div>
      {file.error && <div className="ai-message__error">{file.error}</div>}
      {!file.partial && !file.error && (
        <div className="ai-provider__actions">
          <UseButtons path={file.path} controller={controller} />
        </div>
      )}
    </div>
  );
}

export function ModelDownloads({ controller }: { controller: ModelDownloadsController }) {
  const { hardware, dir, catalog, files, downloads, error, used, checking } = useObservable(controller.state);
  const [source, setSource] = useState('');
  useEffect(() => {
    void controller.refresh();
  }, [controller]);
  const catalogSources = new Set(catalog.map((entry) => entry.source));
  const others = Object.values(downloads).filter((download) => !catalogSources.has(download.source));
  return (
    <div className="ai-downloads" data-testid="model-downloads">
      <h3 className="ai-section">Get a model</h3>
      {hardware && (
        <div className="ai-provider__meta" data-testid="model-hardware">
          This machine: {formatBytes(hardware.ramBytes)} RAM
          {hardware.gpu === false ? ', no GPU' : `, ${hardware.gpu} GPU with ${formatBytes(hardware.vramBytes)}`},{' '}
          {formatBytes(hardware.freeDiskBytes)} free in {dir}.{' '}
          <button
            type="button"
            className="ai-link"
            disabled={checking}
            onClick={() => void controller.refresh(true)}
            title="Reads each model's GGUF header (a few range requests) for node-llama-cpp's estimate"
          >
            {checking ? 'Checking the model files…' : 'Check against the model files'}
          </button>
        </div>
      )}
      {!hardware && !error && <div className="ai-download__note">Checking what this machine can run…</div>}
      {error && <div className="ai-message__error">{error}</div>}
      {used && (
        <div className="ai-download__note" data-testid="model-used">
          {used}
        </div>
      )}
      <form
        className="ai-form__row"
        onSubmit={(event) => {
          event.preventDefault();
          void controller.download(source);
        }}
      >
        <input
          placeholder="hf:user/repo:quant or https://…/model.gguf"
          aria-label="Model to download"
          value={source}
          onChange={(event) => setSource(event.target.value)}
        />
        <button type="submit" className="ai-button ai-button--primary" disabled={!source.trim()}>
          Download
        </button>
      </form>
      {others.map((download) =>
        download.status === 'done' ? null : (
          <div key={download.source} className="ai-provider" data-testid="model-download-other">
            <div className="ai-provider__meta">{download.progress?.fileName ?? download.source}</div>
            <Progress download={download} controller={controller} />
          </div>
        ),
      )}
      {catalog.map((entry) => (
        <CatalogRow key={entry.id} entry={entry} download={downloads[entry.source]} controller={controller} />
      ))}
      <h3 className="ai-section">Downloaded</h3>
      {files.length === 0 && <div className="ai-chat__empty">No models downloaded yet.</div>}
      {files.map((file) => (
        <FileRow key={file.fileName} file={file} controller={controller} />
      ))}
    </div>
  );
}
