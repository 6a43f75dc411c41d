// Model settings: each provider with its live figures (p50 TTFT, tokens/s, error rate, circuit), add / test /
// remove, and the engine's OpenAI-compatible endpoint with its bearer token for other tools.
import { ModelClass, type ProviderKind, type ProviderStats, type ProviderView } from '@pa/shared';
import { useCallback, useEffect, useState } from 'react';
import { useEngine } from '../client/engine';
import { useWorkbench } from '../workbench/contributions';

const KINDS: ProviderKind[] = ['openai-compatible', 'anthropic', 'gemini', 'local'];

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function AddProvider({ onAdded }: { onAdded: () => void }) {
  const { client } = useEngine();
  const [form, setForm] = useState({
    id: '',
    kind: 'openai-compatible' as ProviderKind,
    modelClass: 'own_key' as ModelClass,
    model: '',
    baseURL: '',
    modelPath: '',
    apiKey: '',
  });
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const add = async () => {
    setError(null);
    try {
      await client.call('ai.providers.add', {
        id: form.id.trim(),
        kind: form.kind,
        modelClass: form.kind === 'local' ? 'local' : form.modelClass,
        model: form.model.trim(),
        ...(form.baseURL.trim() ? { baseURL: form.baseURL.trim() } : {}),
        ...(form.modelPath.trim() ? { modelPath: form.modelPath.trim() } : {}),
        ...(form.apiKey ? { apiKey: form.apiKey } : {}),
      });
      setForm({ ...form, id: '', model: '', baseURL: '', modelPath: '', apiKey: '' });
      onAdded();
    } catch (caught) {
      setError(errorText(caught));
    }
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
  provider,
  stats,
  onChange,
}: {
  provider: ProviderView;
  stats?: ProviderStats;
  onChange: () => void;
}) {
  const { client } = useEngine();
  const api = useWorkbench();
  const [test, setTest] = useState<string | null>(null);
  const remove = async () => {
    const name = provider.label ?? provider.id;
    const choice = await api.confirm({
      title: `Remove the model provider ${name}?`,
      message: `${name} (${provider.kind} · ${provider.model}) and its saved API key are deleted; add it again to use it.`,
      buttons: [
        { id: 'remove', label: 'Remove', variant: 'danger' },
        { id: 'cancel', label: 'Cancel', variant: 'secondary' },
      ],
    });
    if (choice !== 'remove') return;
    try {
      await client.call('ai.providers.remove', { id: provider.id });
    } catch (error) {
      api.notify(`Could not remove ${name}: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
    onChange();
  };
  const fmt = (value: number | null | undefined, unit: string) => (value == null ? '–' : `${Math.round(value)}${unit}`);
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
        <span>p50 TTFT {fmt(stats?.p50TtftMs, ' ms')}</span>
        <span>{stats?.tokensPerS == null ? '–' : stats.tokensPerS.toFixed(1)} tok/s</span>
        <span>errors {stats ? `${Math.round(stats.errorRate * 100)}%` : '–'}</span>
      </div>
      <div className="ai-provider__actions">
        <button
          type="button"
          className="ai-button"
          onClick={() => {
            setTest('Testing…');
            void client
              .call('ai.providers.test', { id: provider.id })
              .then((result) =>
                setTest(result.ok ? `OK · first token ${fmt(result.ttftMs, ' ms')}` : `Failed: ${result.error ?? ''}`),
              )
              .finally(onChange);
          }}
        >
          Test
        </button>
        <button
          type="button"
          className="ai-button ai-button--danger"
          onClick={() => void remove()}
          data-testid="ai-provider-remove"
        >
          Remove
        </button>
        {test && <span className="ai-provider__test">{test}</span>}
      </div>
    </div>
  );
}

export function ModelsView() {
  const { client } = useEngine();
  const [providers, setProviders] = useState<ProviderView[]>([]);
  const [stats, setStats] = useState<ProviderStats[]>([]);
  const [server, setServer] = useState<{ path: string; token: string } | null>(null);
  const [reveal, setReveal] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    Promise.all([client.call('ai.providers.list'), client.call('ai.stats'), client.call('ai.server.info')])
      .then(([list, figures, info]) => {
        setProviders(list.providers);
        setStats(figures.providers);
        setServer(info);
        setError(null);
      })
      .catch((caught: unknown) => setError(errorText(caught)));
  }, [client]);
  useEffect(() => {
    load();
    const timer = setInterval(load, 5_000);
    return () => clearInterval(timer);
  }, [load]);
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
          provider={provider}
          stats={stats.find((entry) => entry.providerId === provider.id)}
          onChange={load}
        />
      ))}
      <h3 className="ai-section">Add a provider</h3>
      <AddProvider onAdded={load} />
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
