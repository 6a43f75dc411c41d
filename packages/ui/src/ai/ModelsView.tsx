// Model settings: each provider with its live figures (p50 TTFT, tokens/s, error rate, circuit), add / test /
// remove, and the engine's OpenAI-compatible endpoint with its bearer token for other tools. State and calls live
// in ModelsController; this renders them.
import { ModelClass, type ProviderKind, type ProviderStats, type ProviderView } from '@pa/shared';
import { useEffect, useState } from 'react';
import { useObservable, useSelected } from '../workbench/observable';
import { ModelDownloads } from './ModelDownloads';
import type { ModelDownloadsController } from './model-downloads-controller';
import { formatMs, type ModelsController, type ProviderDraft } from './models-controller';
import { SentRequests } from './SentRequests';
import type { SentController } from './sent-controller';

const KINDS: ProviderKind[] = ['openai-compatible', 'anthropic', 'gemini', 'local'];

const EMPTY_DRAFT: ProviderDraft = {
  id: '',
  kind: 'openai-compatible',
  modelClass: 'own_key',
  model: '',
  baseURL: '',
  modelPath: '',
  apiKey: '',
};

function AddProvider({ models }: { models: ModelsController }) {
  const [form, setForm] = useState(EMPTY_DRAFT);
  const error = useSelected(models.state, (state) => state.addError);
  const set = (patch: Partial<ProviderDraft>) => setForm({ ...form, ...patch });
  const add = async () => {
    // the kind and class stay chosen for the next one
    if (await models.add(form))
      setForm((current) => ({ ...current, id: '', model: '', baseURL: '', modelPath: '', apiKey: '' }));
  };
  return (
    <form
      className="ai-form"
      data-testid="ai-add-provider"
      onSubmit={(event) => {
        event.preventDefault();
        void add();
      }}
    >
      <div className="ai-form__row">
        <input placeholder="id (e.g. kimi)" value={form.id} onChange={(e) => set({ id: e.target.value })} />
        <select value={form.kind} onChange={(e) => set({ kind: e.target.value as ProviderKind })}>
          {KINDS.map((kind) => (
            <option key={kind}>{kind}</option>
          ))}
        </select>
      </div>
      <input
        placeholder="model (e.g. moonshot-v1-8k)"
        value={form.model}
        onChange={(e) => set({ model: e.target.value })}
      />
      {form.kind === 'local' ? (
        <input
          placeholder="GGUF file path"
          value={form.modelPath}
          onChange={(e) => set({ modelPath: e.target.value })}
        />
      ) : (
        <>
          <input
            placeholder="base URL (optional)"
            value={form.baseURL}
            onChange={(e) => set({ baseURL: e.target.value })}
          />
          <div className="ai-form__row">
            <select value={form.modelClass} onChange={(e) => set({ modelClass: e.target.value as ModelClass })}>
              {ModelClass.options
                .filter((value) => value !== 'local')
                .map((value) => (
                  <option key={value}>{value}</option>
                ))}
            </select>
            <input
              type="password"
              placeholder="API key (kept in the keychain)"
              value={form.apiKey}
              onChange={(e) => set({ apiKey: e.target.value })}
            />
          </div>
        </>
      )}
      {error && <div className="ai-message__error">{error}</div>}
      <button type="submit" className="ai-button ai-button--primary" disabled={!form.id.trim() || !form.model.trim()}>
        Add provider
      </button>
    </form>
  );
}

function ProviderRow({
  models,
  provider,
  stats,
}: {
  models: ModelsController;
  provider: ProviderView;
  stats?: ProviderStats;
}) {
  const test = useSelected(models.state, (state) => state.tests[provider.id]);
  return (
    <div className="ai-provider" data-testid={`ai-provider-${provider.id}`}>
      <div className="ai-provider__head">
        <span className={`ai-dot ai-dot--${provider.circuit}`} title={`circuit ${provider.circuit}`} />
        <strong>{provider.label ?? provider.id}</strong>
        <span className="ai-provider__meta">
          {provider.kind} · {provider.model}
          {!provider.licensed && ' · not in your edition'}
        </span>
      </div>
      <div className="ai-provider__stats">
        <span>p50 TTFT {formatMs(stats?.p50TtftMs)}</span>
        <span>{stats?.tokensPerS == null ? '–' : stats.tokensPerS.toFixed(1)} tok/s</span>
        <span>errors {stats ? `${Math.round(stats.errorRate * 100)}%` : '–'}</span>
      </div>
      <div className="ai-provider__actions">
        <button type="button" className="ai-button" onClick={() => void models.test(provider.id)}>
          Test
        </button>
        <button
          type="button"
          className="ai-button ai-button--danger"
          onClick={() => void models.remove(provider)}
          data-testid="ai-provider-remove"
        >
          Remove
        </button>
        {test && <span className="ai-provider__test">{test}</span>}
      </div>
    </div>
  );
}

export function ModelsView({
  models,
  downloads,
  sent,
}: {
  models: ModelsController;
  downloads: ModelDownloadsController;
  sent: SentController;
}) {
  const { providers, stats, server, error } = useObservable(models.state);
  const [reveal, setReveal] = useState(false);
  useEffect(() => {
    const watching = models.watch();
    return () => watching.dispose();
  }, [models]);
  return (
    <div className="ai-models" data-testid="ai-models">
      {error && <div className="ai-message__error">{error}</div>}
      <h3 className="ai-section">Providers</h3>
      {providers.length === 0 && (
        <div className="ai-chat__empty">No providers yet. Add a local GGUF model or an API endpoint.</div>
      )}
      {providers.map((provider) => (
        <ProviderRow
          key={provider.id}
          models={models}
          provider={provider}
          stats={stats.find((entry) => entry.providerId === provider.id)}
        />
      ))}
      <ModelDownloads controller={downloads} />
      <h3 className="ai-section">Add a provider</h3>
      <AddProvider models={models} />
      <SentRequests sent={sent} />
      {server && (
        <>
          <h3 className="ai-section">OpenAI-compatible endpoint</h3>
          <div className="ai-server">
            <code className="ai-server__code">{`${window.location.origin}${server.path}`}</code>
            <div className="ai-form__row">
              <code className="ai-server__code ai-server__token">{reveal ? server.token : '•'.repeat(12)}</code>
              <button type="button" className="ai-button" onClick={() => setReveal(!reveal)}>
                {reveal ? 'Hide' : 'Show'} token
              </button>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
