// deploy/ checked without Docker or a cluster: every YAML and JSON file parses; the Kubernetes objects have what a
// relay pod needs (probes on /healthz, drain, non-root, selectors that match, an HPA metric the adapter serves);
// every metric the alerts, the dashboard and the adapter read is one a real relay's /metrics exports; the compose
// file's services, ports, URLs and mounts agree with each other and with the files beside it; the Dockerfile is
// multi-stage, non-root, health-checked. promtool and `docker compose` run too where they are installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { type StartedRelay, startRelay } from './relay-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const deploy = join(root, 'deploy');
const read = (path: string) => readFileSync(join(deploy, path), 'utf8');
type Obj = Record<string, unknown>;
const yamlOf = (path: string) => parse(read(path), { merge: true }) as Obj;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const all = filesUnder(deploy).map((path) => relative(deploy, path));
const k8sDocs = all
  .filter((path) => path.startsWith('k8s/') && /\.ya?ml$/.test(path) && !path.endsWith('kustomization.yaml'))
  .flatMap((path) => parseAllDocuments(read(path)).map((doc) => ({ path, object: doc.toJS() as Obj })));
const byKind = (kind: string) => k8sDocs.filter((d) => d.object.kind === kind).map((d) => d.object as Any);
// manifests are deep, loosely typed trees: read them as such
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Any = any;

/** Every metric name a PromQL expression reads: the relay's (relay_*, process_*) and Prometheus' own `up`. */
function metricNames(expr: string): string[] {
  // label values and template strings are not metric names
  const code = expr.replace(/"[^"]*"/g, '""').replace(/'[^']*'/g, "''");
  return [...code.matchAll(/\b(relay_[a-z0-9_]+|process_[a-z0-9_]+|up)\b(?!\s*[=!~])/g)].map((m) => m[1] as string);
}

/** The env var names the relay reads: every RELAY_*, OTEL_*, PORT, HOST, LOG_LEVEL named in its sources. */
const relaySources = readdirSync(join(root, 'apps/relay/src'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .map((name) => readFileSync(join(root, 'apps/relay/src', name), 'utf8'))
  .join('\n');
const readByRelay = (name: string) => new RegExp(`\\b${name}\\b`).test(relaySources);

let relay: StartedRelay;
let exported: Set<string>;
beforeAll(async () => {
  relay = await startRelay({ env: { RELAY_ADMIN_TOKEN: 'admin-token-for-deploy-checks-0123' } });
  const text = await relay.metrics();
  exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
});
afterAll(async () => {
  await relay?.stop();
});

describe('deploy/ files', () => {
  it('all parse: YAML (every document) and JSON', () => {
    const parsed = all.filter((path) => /\.(ya?ml|json)$/.test(path));
    expect(parsed.length).toBeGreaterThanOrEqual(12);
    for (const path of parsed) {
      if (path.endsWith('.json')) expect(() => JSON.parse(read(path)), path).not.toThrow();
      else for (const doc of parseAllDocuments(read(path))) expect(doc.errors, path).toEqual([]);
    }
    // the adapter's config is YAML inside a ConfigMap: it parses too
    const adapter = byKind('ConfigMap').find((c) => c.metadata.name.includes('adapter'));
    expect(parse(adapter.data['config.yaml']).rules).toHaveLength(1);
  });

  it('the relay exports the metrics the alerts, the dashboard and the adapter read', () => {
    expect(exported.has('relay_connections')).toBe(true);
    const expressions: Array<[string, string]> = [];
    for (const group of (yamlOf('prometheus/alerts.yml').groups as Any[]) ?? []) {
      for (const rule of group.rules) expressions.push([`alert ${rule.alert}`, rule.expr]);
    }
    const dashboard = JSON.parse(read('grafana/dashboards/relay.json'));
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) expressions.push([`panel ${panel.title}`, target.expr]);
    }
    const adapter = parse(byKind('ConfigMap').find((c) => c.metadata.name.includes('adapter')).data['config.yaml']);
    for (const rule of adapter.rules) expressions.push(['adapter rule', rule.seriesQuery]);
    expect(expressions.length).toBeGreaterThan(20);
    for (const [where, expr] of expressions) {
      const names = metricNames(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        if (name === 'up') continue; // Prometheus' own, per scrape target
        expect(exported.has(name), `${where} reads ${name}, which /metrics does not export`).toBe(true);
      }
    }
    // `up` is per scrape job: the alerts and the dashboard name the job Prometheus scrapes
    const jobs = (yamlOf('prometheus/prometheus.yml').scrape_configs as Any[]).map((c) => c.job_name);
    for (const [where, expr] of expressions) {
      for (const [, job] of expr.matchAll(/job="([^"]+)"/g)) expect(jobs, where).toContain(job);
    }
  });

  it('alert rules: relay down, rejection spikes, storage near cap, each with severity and summary', () => {
    const rules = (yamlOf('prometheus/alerts.yml').groups as Any[]).flatMap((g) => g.rules);
    const names = rules.map((r) => r.alert);
    for (const name of ['RelayDown', 'RelayRejectionSpike', 'RelayStorageNearCap']) expect(names).toContain(name);
    for (const rule of rules) {
      expect(rule.expr, rule.alert).toEqual(expect.any(String));
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toEqual(expect.any(String));
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
    }
    expect(rules.find((r) => r.alert === 'RelayStorageNearCap').expr).toContain('relay_storage_limit_bytes');
  });

  it('the Grafana dashboard and its provisioning agree', () => {
    const dashboard = JSON.parse(read('grafana/dashboards/relay.json'));
    const datasource = (yamlOf('grafana/provisioning/datasources/prometheus.yml').datasources as Any[])[0];
    expect(dashboard.uid).toBe('pa-relay');
    const ids = new Set<number>();
    for (const panel of dashboard.panels) {
      expect(panel.title).toEqual(expect.any(String));
      expect(ids.has(panel.id), `duplicate panel id ${panel.id}`).toBe(false);
      ids.add(panel.id);
      expect(panel.datasource.uid, panel.title).toBe(datasource.uid);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const key of ['x', 'y', 'w', 'h']) expect(panel.gridPos[key], panel.title).toEqual(expect.any(Number));
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });
});

describe('Kubernetes manifests', () => {
  const kustomization = yamlOf('k8s/kustomization.yaml');
  const [deployment] = byKind('Deployment');
  const pod = deployment?.spec.template.spec;
  const container = pod?.containers[0];
  const labels = deployment?.spec.template.metadata.labels;
  const matches = (selector: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  it('every object has apiVersion, kind and a name; kustomization lists every manifest', () => {
    expect(k8sDocs.length).toBeGreaterThanOrEqual(5);
    for (const { path, object } of k8sDocs) {
      expect(object.apiVersion, path).toEqual(expect.any(String));
      expect(object.kind, path).toEqual(expect.any(String));
      expect((object.metadata as Obj)?.name, path).toEqual(expect.any(String));
    }
    const manifests = [...new Set(k8sDocs.map((d) => d.path.slice('k8s/'.length)))].sort();
    expect([...(kustomization.resources as string[])].sort()).toEqual(manifests);
    expect(new Set(k8sDocs.map((d) => d.object.kind))).toEqual(
      new Set(['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ConfigMap']),
    );
  });

  it('the Deployment: probes on /healthz, drain before stop, non-root, settings the relay reads', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(matches(deployment.spec.selector.matchLabels)).toBe(true);
    const port = container.ports.find((p: Any) => p.name === 'http');
    expect(port.containerPort).toBe(4444);
    const env = Object.fromEntries(container.env.map((e: Any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.PORT).toBe(String(port.containerPort));
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe.httpGet.path).toBe('/healthz');
      expect([port.name, port.containerPort]).toContain(probe.httpGet.port);
    }
    // liveness is more patient than readiness: a draining relay (503) leaves the endpoints, it is not killed
    expect(container.livenessProbe.failureThreshold * container.livenessProbe.periodSeconds).toBeGreaterThan(
      container.readinessProbe.failureThreshold * container.readinessProbe.periodSeconds,
    );
    const sleep = Number(container.lifecycle.preStop.exec.command.at(-1));
    expect(sleep).toBeGreaterThan(0);
    const drainS = Number(env.RELAY_DRAIN_MS ?? 0) / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + drainS + 15);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    for (const name of Object.keys(env)) expect(readByRelay(name), `the relay does not read ${name}`).toBe(true);
    // the token files are mounted where the env says, from the Secret's keys
    const mount = container.volumeMounts.find((m: Any) => m.name === 'tokens');
    const secret = pod.volumes.find((v: Any) => v.name === 'tokens').secret;
    for (const file of [env.RELAY_TOKEN_FILE, env.RELAY_ADMIN_TOKEN_FILE]) {
      expect(dirname(file)).toBe(mount.mountPath);
      expect(secret.items.map((i: Any) => i.path)).toContain(file.split('/').pop());
    }
    // the RELAY_ID of each pod is its name (unique), for the console's per-relay breakdown
    expect(env.RELAY_ID).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    // Prometheus finds the pods by annotation, on the port that serves /metrics
    const annotations = deployment.spec.template.metadata.annotations;
    expect(annotations['prometheus.io/port']).toBe(String(port.containerPort));
    expect(annotations['prometheus.io/path']).toBe('/metrics');
  });

  it('Service, PodDisruptionBudget and HorizontalPodAutoscaler point at the relay pods', () => {
    const [service] = byKind('Service');
    expect(matches(service.spec.selector)).toBe(true);
    for (const p of service.spec.ports) expect(container.ports.map((c: Any) => c.name)).toContain(p.targetPort);
    const [pdb] = byKind('PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(matches(pdb.spec.selector.matchLabels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    const [hpa] = byKind('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThan(pdb.spec.minAvailable);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const metric = hpa.spec.metrics[0];
    expect(metric.type).toBe('Pods');
    expect(metric.pods.target.type).toBe('AverageValue');
    // the metric the HPA asks for is the one the adapter rule serves, built from a series the relay exports
    const adapter = parse(byKind('ConfigMap').find((c) => c.metadata.name.includes('adapter')).data['config.yaml']);
    const rule = adapter.rules.find((r: Any) => r.name.as === metric.pods.metric.name);
    expect(rule, `no adapter rule serves ${metric.pods.metric.name}`).toBeDefined();
    const series = metricNames(rule.seriesQuery)[0] as string;
    expect(new RegExp(rule.name.matches).test(series)).toBe(true);
    expect(exported.has(series)).toBe(true);
    expect(rule.resources.overrides.pod.resource).toBe('pod');
    expect(rule.metricsQuery).toContain('<<.LabelMatchers>>');
    // the target fits under the relay's own connection cap
    expect(Number(metric.pods.target.averageValue)).toBeLessThan(
      Number(container.env.find((e: Any) => e.name === 'RELAY_MAX_CONNECTIONS').value),
    );
  });
});

describe('docker-compose.yml', () => {
  const compose = yamlOf('docker-compose.yml') as Any;
  const services = compose.services as Record<string, Any>;
  const relays = Object.keys(services).filter((name) => /^relay-\d+$/.test(name));

  it('three relays on one Redis and one PostgreSQL, each with its own id and port', () => {
    expect(relays).toEqual(['relay-1', 'relay-2', 'relay-3']);
    for (const name of ['redis', 'postgres', 'prometheus', 'grafana', 'balancer']) expect(services[name]).toBeDefined();
    const postgres = services.postgres.environment;
    const ids = new Set<string>();
    for (const name of relays) {
      const relayService = services[name];
      const env = relayService.environment;
      expect(relayService.build.dockerfile).toBe('deploy/Dockerfile');
      expect(existsSync(join(deploy, relayService.build.context, relayService.build.dockerfile))).toBe(true);
      ids.add(env.RELAY_ID);
      const redisUrl = new URL(env.RELAY_REDIS_URL);
      expect(services[redisUrl.hostname], name).toBeDefined();
      expect(redisUrl.port).toBe('6379');
      const db = new URL(env.RELAY_DATABASE_URL);
      expect(db.protocol).toBe('postgres:');
      expect(services[db.hostname], name).toBeDefined();
      expect(db.port).toBe('5432');
      expect([db.username, db.password, db.pathname.slice(1)]).toEqual([
        postgres.POSTGRES_USER,
        postgres.POSTGRES_PASSWORD,
        postgres.POSTGRES_DB,
      ]);
      // the container port published is the one the relay listens on
      const [, container] = /:(\d+)$/.exec(relayService.ports[0]) ?? [];
      expect(container).toBe(env.PORT);
      // tokens come from the operator's environment, never a default in the file
      expect(env.RELAY_TOKEN).toMatch(/^\$\{RELAY_TOKEN:\?/);
      expect(env.RELAY_ADMIN_TOKEN).toMatch(/^\$\{RELAY_ADMIN_TOKEN:\?/);
      for (const dependency of Object.keys(relayService.depends_on)) expect(services[dependency]).toBeDefined();
      for (const variable of Object.keys(env))
        expect(readByRelay(variable), `relay does not read ${variable}`).toBe(true);
    }
    expect(ids.size).toBe(3);
  });

  it('published ports are distinct and on loopback; mounts exist; dependencies are services', () => {
    const published = Object.values(services).flatMap((s: Any) => (s.ports ?? []) as string[]);
    const hostPorts = published.map((p) => p.split(':').slice(0, -1).join(':'));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    for (const p of hostPorts) expect(p).toMatch(/^127\.0\.0\.1:\d+$/);
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
      for (const volume of (service.volumes ?? []) as string[]) {
        const [source] = volume.split(':');
        if (source?.startsWith('.')) expect(existsSync(join(deploy, source)), `${name} mounts ${source}`).toBe(true);
        else expect(compose.volumes[source as string], `${name} uses volume ${source}`).toBeDefined();
      }
    }
  });

  it('Prometheus scrapes every relay and loads the mounted alert rules; Grafana reads Prometheus', () => {
    const prometheus = yamlOf('prometheus/prometheus.yml') as Any;
    const targets = prometheus.scrape_configs.flatMap((c: Any) => c.static_configs.flatMap((s: Any) => s.targets));
    expect(targets.sort()).toEqual(relays.map((name) => `${name}:${services[name].environment.PORT}`).sort());
    const mounts = Object.fromEntries(
      services.prometheus.volumes.map((v: string) => v.split(':').slice(0, 2).reverse() as [string, string]),
    );
    for (const file of prometheus.rule_files) expect(mounts[file], `rule file ${file} is mounted`).toBeDefined();
    const configFlag = services.prometheus.command.find((c: string) => c.startsWith('--config.file='));
    expect(mounts[configFlag.split('=')[1]]).toBe('./prometheus/prometheus.yml');
    const datasource = (yamlOf('grafana/provisioning/datasources/prometheus.yml').datasources as Any[])[0];
    const url = new URL(datasource.url);
    expect(services[url.hostname]).toBeDefined();
    expect(services.prometheus.ports[0]).toMatch(new RegExp(`:${url.port}$`));
    // the dashboards provider reads the folder the dashboards are mounted at
    const provider = (yamlOf('grafana/provisioning/dashboards/relay.yml').providers as Any[])[0];
    const grafanaMounts = services.grafana.volumes.map((v: string) => v.split(':'));
    const dashboards = grafanaMounts.find(([, target]: string[]) => target === provider.options.path);
    expect(dashboards?.[0]).toBe('./grafana/dashboards');
    expect(grafanaMounts.find(([, target]: string[]) => target === '/etc/grafana/provisioning')?.[0]).toBe(
      './grafana/provisioning',
    );
  });

  it('the balancer spreads over every relay', () => {
    const conf = read('nginx/relay.conf');
    const upstream = [...conf.matchAll(/^\s*server\s+([\w.-]+:\d+);/gm)].map((m) => m[1]);
    expect(upstream.sort()).toEqual(relays.map((name) => `${name}:${services[name].environment.PORT}`).sort());
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    const mounted = services.balancer.volumes[0].split(':')[0];
    expect(mounted).toBe('./nginx/relay.conf');
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = lines.filter((line) => /^FROM\s/i.test(line));
  const final = lines.slice(lines.lastIndexOf(stages.at(-1) as string));

  it('is multi-stage and runs the built relay as a non-root user with a /healthz health check', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const user = final.find((line) => line.startsWith('USER '))?.split(/\s+/)[1] ?? 'root';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(final.find((line) => line.startsWith('HEALTHCHECK'))).toContain('/healthz');
    expect(final.find((line) => line.startsWith('CMD'))).toContain('apps/relay/dist/main.js');
    const port = /PORT=(\d+)/.exec(final.join(' '))?.[1];
    expect(final).toContain(`EXPOSE ${port}`);
    // the runtime stage takes the bundle (and the console's files inside dist/) from the build stage
    expect(final.some((line) => /^COPY --from=build .*apps\/relay\/dist/.test(line))).toBe(true);
    expect(text).toMatch(/node scripts\/build\.mjs relay/);
  });

  it('copies only files that exist, from the repository root', () => {
    for (const line of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) expect(existsSync(join(root, source)), line).toBe(true);
    }
    // and the workspaces npm ci needs are all copied
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const workspace of pkg.workspaces) expect(text).toContain(`COPY ${workspace}/package.json`);
  });
});

/** External validators, run where they are installed (none of them is needed for the checks above). */
const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const promtool = process.env.PROMTOOL ?? 'promtool';
if (has(promtool, ['--version'])) {
  it('promtool accepts the alert rules and their unit tests pass', () => {
    const cwd = join(deploy, 'prometheus');
    execFileSync(promtool, ['check', 'rules', 'alerts.yml'], { cwd, stdio: 'pipe' });
    execFileSync(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd, stdio: 'pipe' });
  });
}
if (has('docker', ['compose', 'version'])) {
  it('docker compose accepts the compose file', () => {
    execFileSync('docker', ['compose', '-f', join(deploy, 'docker-compose.yml'), 'config', '--quiet'], {
      stdio: 'pipe',
      env: { ...process.env, RELAY_TOKEN: 'compose-check-token-0123', RELAY_ADMIN_TOKEN: 'compose-check-admin-0123' },
    });
  });
}
