// The relay operator console's page script: the login form, then a poll of /console/api/metrics every second,
// drawn with uPlot. The admin token lives in sessionStorage (this tab only) and goes out only as an Authorization
// header to this origin; nothing from the relay is ever inserted as HTML (textContent only).
(() => {
  const TOKEN_KEY = 'pa-relay-console-token';
  const POLL_MS = 1000;
  const RELAY_HISTORY = 300;
  const COLORS = ['#4cc2ff', '#b48cff', '#3fb950', '#f0883e', '#f85149', '#e3b341', '#39c5cf', '#ff7eb6'];

  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem(TOKEN_KEY);
  let timer = null;
  let failures = 0;
  const charts = new Map();
  /** Connections per relay as seen by this page's polls: relayId -> { t: [], v: [] }. */
  const relayHistory = new Map();

  // ---------- formatting ----------
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  function bytes(n) {
    if (!Number.isFinite(n)) return '–';
    let i = 0;
    let v = Math.abs(n);
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i += 1;
    }
    return `${n < 0 ? '-' : ''}${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
  }
  function num(n) {
    if (!Number.isFinite(n)) return '–';
    if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
    if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
    return Number.isInteger(n) ? String(n) : n.toFixed(1);
  }
  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${m}m`;
    return `${m}m ${s % 60}s`;
  }
  const setText = (id, text) => {
    const el = $(id);
    if (el && el.textContent !== text) el.textContent = text;
  };

  // ---------- auth ----------
  function authorized(path, method = 'GET') {
    return fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  }

  function showLogin(message) {
    stopPolling();
    $('dashboard').hidden = true;
    $('login').hidden = false;
    setText('login-error', message ?? '');
    $('token').focus();
  }

  function showDashboard() {
    $('login').hidden = true;
    $('dashboard').hidden = false;
    startPolling();
  }

  function signOut(message) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin(message);
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('token');
    const offered = input.value.trim();
    if (!offered) return;
    token = offered;
    setText('login-error', '');
    try {
      const response = await authorized('/console/api/session', 'POST');
      if (response.status === 204) {
        sessionStorage.setItem(TOKEN_KEY, offered);
        input.value = '';
        showDashboard();
        return;
      }
      token = null;
      setText(
        'login-error',
        response.status === 429 ? 'Too many failed attempts; wait a minute.' : 'That is not the admin token.',
      );
    } catch {
      token = null;
      setText('login-error', 'The relay did not answer.');
    }
  });
  $('logout').addEventListener('click', () => signOut('Signed out.'));

  // ---------- charts ----------
  function axis(format) {
    return {
      stroke: '#8b97a8',
      grid: { stroke: '#222b38', width: 1 },
      ticks: { stroke: '#2a3444', width: 1 },
      font: '12px system-ui, sans-serif',
      size: 84,
      values: format ? (_u, splits) => splits.map(format) : undefined,
    };
  }

  function chartOptions(el, series, format) {
    return {
      width: Math.max(300, el.clientWidth),
      height: 220,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(1, max * 1.15, min)] } },
      axes: [
        {
          stroke: '#8b97a8',
          grid: { stroke: '#222b38', width: 1 },
          ticks: { stroke: '#2a3444', width: 1 },
          // samples are a second apart: no sub-second ticks
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
        },
        axis(format),
      ],
      legend: { live: true },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? COLORS[i % COLORS.length],
          width: 2,
          fill: `${s.color ?? COLORS[i % COLORS.length]}22`,
          points: { show: false },
          value: format ? (_u, v) => (v == null ? '–' : format(v)) : undefined,
        })),
      ],
    };
  }

  function draw(id, series, data, format) {
    const el = $(id);
    const key = `${id}:${series.map((s) => s.label).join('|')}`;
    let chart = charts.get(id);
    if (chart && chart.key !== key) {
      chart.plot.destroy();
      chart = undefined;
    }
    if (!chart) {
      el.textContent = '';
      chart = { key, plot: new uPlot(chartOptions(el, series, format), data, el) };
      charts.set(id, chart);
    } else chart.plot.setData(data);
    // with no pointer over the chart the legend shows the latest values instead of dashes
    const last = (data[0]?.length ?? 0) - 1;
    if (last >= 0 && chart.plot.cursor.left < 0) chart.plot.setLegend({ idx: last });
  }

  window.addEventListener('resize', () => {
    for (const [id, chart] of charts) chart.plot.setSize({ width: Math.max(300, $(id).clientWidth), height: 220 });
  });

  // ---------- rendering ----------
  function renderKpis(m) {
    const c = m.current;
    setText('relay-id', m.relayId);
    setText('uptime', duration(m.now - m.startedAt));
    setText('kpi-connections', num(c.connections.total));
    setText('kpi-connections-sub', `${num(c.connections.sync)} sync · ${num(c.connections.signal)} signal`);
    setText('kpi-rooms', num(c.rooms));
    setText('kpi-rooms-sub', `${num(m.storage.rooms)} stored of ${num(m.storage.maxRooms)}`);
    setText('kpi-messages', num(c.messagesPerSecond.in));
    setText('kpi-messages-sub', `${num(c.messagesPerSecond.out)}/s sent · ${num(c.messagesTotal.in)} received`);
    setText('kpi-bytes', `${bytes(c.bytesPerSecond.in)}/s`);
    setText('kpi-bytes-sub', `received · ${bytes(c.bytesPerSecond.out)}/s sent`);
    const rejected = m.rejected.reduce((sum, r) => sum + r.count, 0);
    setText('kpi-rejected', num(rejected));
    setText('kpi-rejected-sub', m.rejected.length > 0 ? `top: ${m.rejected[0].reason}` : 'nothing refused');
    setText('kpi-storage', bytes(m.storage.bytes));
    const share = m.storage.maxTotalBytes > 0 ? m.storage.bytes / m.storage.maxTotalBytes : 0;
    setText(
      'kpi-storage-sub',
      `${(share * 100).toFixed(share < 0.01 ? 3 : 1)} % of ${bytes(m.storage.maxTotalBytes)} cap`,
    );
    const meter = $('kpi-storage-meter');
    meter.style.width = `${Math.min(100, Math.max(share > 0 ? 1 : 0, share * 100))}%`;
    meter.className = `meter__fill${share > 0.9 ? ' meter__fill--bad' : share > 0.75 ? ' meter__fill--warn' : ''}`;
    setText('cluster-state', m.cluster.redis === 'off' ? 'single relay' : `redis ${m.cluster.redis}`);
  }

  function renderCharts(m) {
    const s = m.series;
    draw(
      'chart-connections',
      [
        { label: 'sync', color: '#4cc2ff' },
        { label: 'signal', color: '#b48cff' },
        { label: 'rooms', color: '#3fb950' },
      ],
      [s.t, s.sync, s.signal, s.rooms],
      num,
    );
    draw(
      'chart-messages',
      [
        { label: 'in', color: '#4cc2ff' },
        { label: 'out', color: '#f0883e' },
      ],
      [s.t, s.messagesInPerSecond, s.messagesOutPerSecond],
      num,
    );
    draw(
      'chart-bytes',
      [
        { label: 'in', color: '#39c5cf' },
        { label: 'out', color: '#e3b341' },
      ],
      [s.t, s.bytesInPerSecond, s.bytesOutPerSecond],
      (v) => `${bytes(v)}/s`,
    );
    draw('chart-rejected', [{ label: 'rejected', color: '#f85149' }], [s.t, s.rejectedPerSecond], num);
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      if (cell instanceof Node) td.append(cell);
      else td.textContent = cell;
      tr.append(td);
    }
    return tr;
  }

  function code(text) {
    const el = document.createElement('code');
    el.textContent = text;
    return el;
  }

  function renderRejected(m) {
    const list = $('rejected-list');
    const items = [];
    const max = Math.max(1, ...m.rejected.map((r) => r.count));
    for (const r of m.rejected.slice(0, 12)) {
      const li = document.createElement('li');
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${(r.count / max) * 100}%`;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = num(r.count);
      li.append(code(r.reason), bar, count);
      items.push(li);
    }
    if (items.length === 0) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'No connection or frame refused since the relay started.';
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  function renderRooms(m) {
    const rows = m.storage.topRooms.map((r) => {
      const share = document.createElement('span');
      const fraction = m.storage.maxRoomBytes > 0 ? r.bytes / m.storage.maxRoomBytes : 0;
      const wrap = document.createElement('span');
      share.className = 'share';
      share.style.width = `${Math.max(2, Math.min(120, fraction * 120))}px`;
      wrap.append(share, document.createTextNode(`${(fraction * 100).toFixed(fraction < 0.01 ? 3 : 1)} %`));
      return row([code(r.room), bytes(r.bytes), wrap]);
    });
    if (rows.length === 0) {
      const tr = row(['No room stored yet.', '', '']);
      tr.className = 'empty';
      rows.push(tr);
    }
    $('rooms-table').replaceChildren(...rows);
  }

  function renderRelays(m) {
    const relays = m.cluster.relays;
    const now = Math.round(m.now / 1000);
    for (const r of relays) {
      let h = relayHistory.get(r.relayId);
      if (!h) {
        h = { t: [], v: [] };
        relayHistory.set(r.relayId, h);
      }
      h.t.push(now);
      h.v.push(r.connections);
      if (h.t.length > RELAY_HISTORY) {
        h.t.shift();
        h.v.shift();
      }
    }
    // one x axis for all relays: this page's poll times; a relay missing from a poll has a gap there
    const ids = [...relayHistory.keys()].sort();
    const times = [...new Set(ids.flatMap((id) => relayHistory.get(id).t))].sort((a, b) => a - b).slice(-RELAY_HISTORY);
    const columns = ids.map((id) => {
      const h = relayHistory.get(id);
      const at = new Map(h.t.map((t, i) => [t, h.v[i]]));
      return times.map((t) => (at.has(t) ? at.get(t) : null));
    });
    draw(
      'chart-relays',
      ids.map((id, i) => ({ label: id, color: COLORS[i % COLORS.length] })),
      [times, ...columns],
      num,
    );
    setText(
      'relays-note',
      m.cluster.redis === 'off'
        ? 'single relay (set RELAY_REDIS_URL to see every relay)'
        : `${relays.length} relay${relays.length === 1 ? '' : 's'} reporting through Redis`,
    );
    $('relays-table').replaceChildren(
      ...relays.map((r) =>
        row([
          code(r.relayId + (r.relayId === m.relayId ? ' (this)' : '')),
          `${num(r.connections)} (${num(r.sync)} sync)`,
          num(r.rooms),
          num(r.messagesInPerSecond),
          `${bytes(r.bytesInPerSecond)}/s`,
          num(r.rejectedTotal),
          bytes(r.storedBytes),
          bytes(r.rssBytes),
          `${Math.max(0, Math.round((m.now - r.at) / 1000))} s ago`,
        ]),
      ),
    );
  }

  // ---------- polling ----------
  async function poll() {
    try {
      const response = await authorized('/console/api/metrics');
      if (response.status === 401) return signOut('The admin token was not accepted; sign in again.');
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const m = await response.json();
      failures = 0;
      const pill = $('status-pill');
      pill.textContent = 'live';
      pill.className = 'pill pill--live';
      renderKpis(m);
      renderCharts(m);
      renderRejected(m);
      renderRooms(m);
      renderRelays(m);
      document.body.dataset.ready = 'true';
    } catch {
      failures += 1;
      const pill = $('status-pill');
      pill.textContent = failures > 2 ? 'relay unreachable' : 'retrying';
      pill.className = 'pill pill--stale';
    }
  }

  function startPolling() {
    stopPolling();
    void poll();
    timer = setInterval(poll, POLL_MS);
  }

  function stopPolling() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  if (token) showDashboard();
  else showLogin();
})();
